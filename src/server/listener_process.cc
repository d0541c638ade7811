// RunListenerProcess: signals around ChangeListener::Run.
#include "server/listener_process.h"

#include <sys/prctl.h>

#include "server/stop_signals.h"
#include "store/change_listener.h"

namespace mediagate {
namespace {

volatile std::sig_atomic_t g_stop = 0;

void OnStop(int) { g_stop = 1; }

}  // namespace

int RunListenerProcess(const Config& config, InvalidationBoard* board) {
  prctl(PR_SET_NAME, kListenerProcessName);  // ps and tests tell it from the workers
  InstallStopHandlers(OnStop);
  return ChangeListener(config, board).Run(&g_stop);
}

}  // namespace mediagate
