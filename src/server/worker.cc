// RunWorker: libfcgi adapter and the worker's object graph.
#include "server/worker.h"

#include <fcgiapp.h>
#include <malloc.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <memory>

#include "base/rate_limiter.h"
#include "mediagate/decider.h"
#include "mediagate/upstream.h"
#include "server/connection_gate.h"
#include "server/request_handler.h"
#include "server/stop_signals.h"
#include "store/cached_record_store.h"
#include "store/local_record_store.h"
#include "store/pg_record_store.h"
#include "store/redis_cache.h"

namespace mediagate {
namespace {

volatile sig_atomic_t g_stop = 0;

void OnStop(int) {
  g_stop = 1;
  FCGX_ShutdownPending();
}

sigset_t StopSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

}  // namespace

int RunWorker(const Config& config, int listen_fd, Metrics* metrics, int slot,
              InvalidationBoard* board) {
  const sigset_t stop_signals = StopSignals();
  sigprocmask(SIG_BLOCK, &stop_signals, nullptr);
  InstallStopHandlers(OnStop);  // epoll_pwait() must return EINTR
  metrics->UseSlot(slot);
  // A feed response is hundreds of KB. glibc would mmap and unmap each such
  // buffer, and page-faulting it in again cost 2-3 ms per feed on a VM (bench/
  // feed_throughput: 30x slower); kept in the heap, the memory is reused.
  mallopt(M_MMAP_THRESHOLD, 16 << 20);
  mallopt(M_TRIM_THRESHOLD, 64 << 20);

  auto upstream = MakeUpstream(config.storage);
  if (!upstream.ok()) {
    spdlog::critical("worker: storage: {}", upstream.status().message());
    return 1;
  }
  SystemClock clock;
  LogRateLimiter limiter(std::chrono::seconds(config.log.error_interval_seconds));
  auto tokens = TokenGenerator::Create(config.token);
  if (!tokens.ok()) {
    spdlog::critical("worker: token: {}", tokens.status().message());
    return 1;
  }
  auto clients = ClientAddress::Create(config.server.trusted_proxies);
  if (!clients.ok()) {
    spdlog::critical("worker: {}", clients.status().message());
    return 1;
  }
  PgRecordStore database(config.database, tokens->field_names());
  std::unique_ptr<RedisCache> cache;
  if (config.redis.enabled) {
    cache = std::make_unique<RedisCache>(
        config.redis, std::chrono::seconds(config.log.error_interval_seconds),
        config.notify.enabled);
  }
  const bool pushed = config.notify.enabled && board != nullptr;
  auto seal = RecordSeal::Create(config.token.secret);
  if (!seal.ok()) {
    spdlog::critical("worker: {}", seal.status().message());
    return 1;
  }
  CachedRecordStore shared(config.redis, &database, cache.get(), &*seal, metrics, &limiter,
                           pushed ? board : nullptr);
  std::unique_ptr<LocalRecordStore> local;
  if (pushed)
    local = std::make_unique<LocalRecordStore>(config.redis, &shared, board, &clock, metrics);
  RecordStore* records = local ? static_cast<RecordStore*>(local.get()) : &shared;
  std::unique_ptr<Decider> decider =
      Decider::Create(config, std::move(*tokens), upstream->get(), records, &clock);
  ShowStampReader stamps;
  if (pushed) {
    stamps = [board](std::string_view slug) {
      const InvalidationBoard::Stamp st = board->Read(InvalidationBoard::Kind::kShow, slug);
      return ShowStamp{st.all, st.slot};
    };
  }
  ShowCache shows(config.feed.cache_seconds,
                  FeedLinks{config.url.public_base, config.feed.public_media_prefix}, &database,
                  &clock, std::move(stamps));
  FeedServer feeds(config, decider.get(), &shows, &clock);
  RequestHandler handler(config.server, std::move(*clients), decider.get(), records, metrics,
                         &feeds);

  // Connections are opened before the first request, not by it. A backend
  // that is down now is retried by the first request that needs it.
  database.Ping();
  if (cache) cache->Ping();

  if (FCGX_Init() != 0) {
    spdlog::critical("worker: FCGX_Init failed");
    return 1;
  }
  ConnectionGate gate(listen_fd, metrics, &limiter);
  if (!gate.ok()) {
    spdlog::critical("worker: epoll: {}", strerror(errno));
    return 1;
  }
  sigset_t waiting;  // the stop signals are delivered only while the gate waits
  sigprocmask(SIG_SETMASK, nullptr, &waiting);
  for (int s : {SIGTERM, SIGINT}) sigdelset(&waiting, s);
  metrics->MarkServing(getpid());

  // libfcgi never accepts (listen_sock -1) and never closes a connection the
  // gate handed it: keepConnection is forced on and the peer's own flag is
  // passed back to the gate; `detached` makes an error close immediate
  // instead of libfcgi's blocking drain.
  FCGX_Request request;
  FCGX_InitRequest(&request, -1, 0);
  // Redis writes of the last decisions, held back while requests were queued
  // (store/cached_record_store.h), go out before the worker waits.
  const std::function<void()> flush = [&shared] { shared.Flush(); };
  const std::function<void()> nothing;
  // Once told to stop, the worker still answers the connections it accepted.
  while (!g_stop || gate.Busy()) {
    if (g_stop) gate.StopAccepting();
    const int fd = gate.Next(&waiting, shared.HasPending() ? flush : nothing);
    if (fd < 0) continue;
    request.ipcFd = fd;
    request.keepConnection = 1;
    request.detached = 1;
    if (FCGX_Accept_r(&request) != 0) continue;  // libfcgi closed it (protocol error)
    const bool keep = request.keepConnection != 0;
    const std::string response = handler.Handle(
        [&request](const char* name) { return FCGX_GetParam(name, request.envp); });
    FCGX_PutStr(response.data(), static_cast<int>(response.size()), request.out);
    request.keepConnection = 1;
    request.detached = 1;
    FCGX_Finish_r(&request);
    if (request.ipcFd >= 0) gate.Return(request.ipcFd, keep);
    request.ipcFd = -1;
  }
  FCGX_Free(&request, 1);
  return 0;
}

}  // namespace mediagate
