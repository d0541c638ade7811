// The worker process: a FastCGI accept loop on the inherited listening socket.
//
// Connections are accepted and their request heads checked by a
// ConnectionGate (server/connection_gate.h); libfcgi only parses heads that
// are complete and valid, and writes the response. SIGTERM/SIGINT stop it
// once it has answered the connections it already accepted (each bounded by
// the gate's head timeout): they are blocked while a request is processed
// and delivered only inside the gate's epoll_pwait. The worker records in
// its metrics slot that it started serving, so that the master replaces it
// at once if it dies later. Single-threaded.
#ifndef MEDIAGATE_WORKER_H_
#define MEDIAGATE_WORKER_H_

#include "mediagate/config.h"
#include "mediagate/metrics.h"
#include "store/invalidation_board.h"

namespace mediagate {

// Runs until told to stop; returns the process exit code (0 after a clean
// stop, 1 if the worker could not be set up). With notify.enabled and a
// `board`, records are also cached in the worker (store/local_record_store.h).
int RunWorker(const Config& config, int listen_fd, Metrics* metrics, int slot,
              InvalidationBoard* board);

}  // namespace mediagate

#endif  // MEDIAGATE_WORKER_H_
