// The change listener's process: forked and supervised by the master like a
// worker, stopped by SIGTERM/SIGINT (store/change_listener.h does the work).
#ifndef MEDIAGATE_SERVER_LISTENER_PROCESS_H_
#define MEDIAGATE_SERVER_LISTENER_PROCESS_H_

#include "mediagate/config.h"
#include "store/invalidation_board.h"

namespace mediagate {

// Its name in /proc/PID/comm (ps -o comm).
inline constexpr char kListenerProcessName[] = "mg-listener";

// Runs until told to stop; returns the process exit code.
int RunListenerProcess(const Config& config, InvalidationBoard* board);

}  // namespace mediagate

#endif  // MEDIAGATE_SERVER_LISTENER_PROCESS_H_
