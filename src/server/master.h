// The prefork master: keeps N workers alive on one listening socket.
//
//  - a worker that dies is replaced; a worker that dies within 2 s of its
//    start counts as a crash, and repeated crashes back off (100 ms doubling
//    to 10 s) so a broken dependency does not become a fork storm;
//  - SIGTERM/SIGINT: workers finish the request in hand and exit; after
//    server.drain_seconds the rest are killed; the master exits 0;
//  - SIGHUP: the config is re-read and validated. Good: a new generation of
//    workers starts, then the old one drains, so no request fails. Bad: the
//    error is logged and the old config keeps running;
//  - with notify.enabled, one more child runs the change listener
//    (server/listener_process.h), restarted like a worker when it dies and
//    replaced on reload;
//  - with NOTIFY_SOCKET set: sd_notify READY=1, RELOADING=1, STOPPING=1.
// Signals are handled synchronously (sigtimedwait), so there is no
// async-signal-safety trap in the master. Single-threaded.
#ifndef MEDIAGATE_MASTER_H_
#define MEDIAGATE_MASTER_H_

#include <string>

#include "mediagate/config.h"
#include "mediagate/metrics.h"
#include "server/listen_socket.h"
#include "store/invalidation_board.h"

namespace mediagate {

struct MasterOptions {
  std::string config_path;
  int workers_override = 0;  // 0: use server.workers
  ListenSocket socket;
  InvalidationBoard* board = nullptr;  // shared with the workers and the listener
};

// Runs until stopped; returns the process exit code.
int RunMaster(const MasterOptions& options, Config config, Metrics* metrics);

}  // namespace mediagate

#endif  // MEDIAGATE_MASTER_H_
