// The worker process: a FastCGI accept loop on the inherited listening socket.
//
// SIGTERM/SIGINT stop it after the request in hand: signals are blocked while
// a request is processed and unblocked only around FCGX_Accept_r, whose
// accept() they interrupt (handler installed without SA_RESTART, plus
// FCGX_ShutdownPending). The master repeats SIGTERM while draining, which
// closes the gap between the flag check and accept(). Single-threaded.
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
