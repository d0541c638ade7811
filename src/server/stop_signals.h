// Signal set-up shared by the master's children (workers, change listener).
#ifndef MEDIAGATE_SERVER_STOP_SIGNALS_H_
#define MEDIAGATE_SERVER_STOP_SIGNALS_H_

namespace mediagate {

// SIGTERM and SIGINT run `on_stop` without SA_RESTART (so a blocking call
// returns EINTR); SIGHUP (the master's reload) and SIGPIPE are ignored.
void InstallStopHandlers(void (*on_stop)(int));

}  // namespace mediagate

#endif  // MEDIAGATE_SERVER_STOP_SIGNALS_H_
