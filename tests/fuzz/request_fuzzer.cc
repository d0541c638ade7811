// libFuzzer target: FastCGI parameters -> RequestHandler::Handle -> Decider,
// over an in-memory record store and a fixed clock (the unit tests' fakes).
//
// Input: byte 0 is flags (bit 0: the record store is down), the rest is
// lines "NAME=VALUE" (the FastCGI params; the last of a name wins). So that
// the fuzzer can reach allows, values may hold macros: \x01 D is the
// base64url email of fake user D%4, \x02 D that user's valid token, \x03 D
// known file id D%2. Users 0 (active) and 3 (past_due, paid until tomorrow)
// are entitled; 1 (canceled, paid until yesterday) and 2 (suspended) are not.
//
// Invariants (abort on violation): no exception escapes; every response
// starts with a Status line and ends its headers; an allow (the only response
// carrying X-Mediagate-Upstream) only for GET/HEAD with the store up, for an
// entitled user whose token MAC is in the URI, and with that user's
// reference; 200 without X-Mediagate-Upstream only on the metrics and health
// paths; no response holds a token or an email.
#include <spdlog/spdlog.h>

#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "../unit/fakes.h"
#include "base/base64url.h"
#include "mediagate/client_address.h"
#include "mediagate/config.h"
#include "mediagate/decider.h"
#include "mediagate/metrics.h"
#include "mediagate/token.h"
#include "mediagate/upstream.h"
#include "server/request_handler.h"

namespace mediagate {
namespace {

constexpr int64_t kNow = 1735787045;
constexpr int kUsers = 4;
const char* const kFiles[] = {"ep1", "ep2"};

struct FakeUser {
  std::string email;
  std::string b64;
  std::string token;
  std::string mac;  // the token after '-': what no one can forge
  std::string ref;  // X-Mediagate-User for this email
  bool entitled;
};

bool Contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

// Built once: key derivations and token generation stay out of the loop.
struct World {
  World() : clock(kNow), metrics(Metrics::CreatePrivate()) {
    spdlog::set_level(spdlog::level::off);
    config.token.secret = Secret("fuzz-secret", "fuzz");
    config.token.hash_value = "{id}{uuid}{link_generation}{ts}";
    config.token.timeout_seconds = 86400 * 30;
    config.storage.backend = "local";
    config.storage.local_url = "http://127.0.0.1:8089";
    config.entitlement.use_paid_until = true;
    config.server.trusted_proxies = {"10.0.0.0/8", "::1/128"};
    const char* statuses[kUsers] = {"active", "canceled", "suspended", "past_due"};
    const int64_t paid[kUsers] = {kNow + 86400, kNow - 86400, kNow + 86400, kNow + 86400};
    auto tokens = TokenGenerator::Create(config.token);
    auto made_upstream = MakeUpstream(config.storage);
    if (!tokens.ok() || !made_upstream.ok()) abort();
    upstream = std::move(*made_upstream);
    for (int i = 0; i < kUsers; ++i) {
      FakeUser u;
      u.email = "user" + std::to_string(i) + "@example.com";
      u.b64 = Base64UrlEncode(u.email);
      UserRecord record;
      record.fields = {{"id", std::to_string(i + 1)},
                       {"uuid", "uuid-" + std::to_string(i)},
                       {"link_generation", "0"}};
      record.status = statuses[i];
      record.paid_until = paid[i];
      auto token = tokens->Make(record.fields, kNow - 3600);
      if (!token.ok() || token->find('-') == std::string::npos) abort();
      u.token = *token;
      u.mac = token->substr(token->find('-') + 1);
      u.entitled = i == 0 || i == 3;
      records.users[u.email] = Lookup<UserRecord>::Found(record);
      users.push_back(u);
    }
    records.files[kFiles[0]] = Lookup<FileRecord>::Found(FileRecord{"shows/ep1.mp3", "v1"});
    records.files[kFiles[1]] = Lookup<FileRecord>::Found(FileRecord{"shows/ep2.mp3", "v2"});
    decider = Decider::Create(config, std::move(*tokens), upstream.get(), &records, &clock);
    auto clients = ClientAddress::Create(config.server.trusted_proxies);
    if (!clients.ok()) abort();
    handler = std::make_unique<RequestHandler>(config.server, std::move(*clients),
                                               decider.get(), &records, metrics.get());
    // Each user's reference, as the handler reports it on a genuine link.
    for (FakeUser& u : users) {
      const std::string uri = "/premium_media/" + u.b64 + "/ep1/" + u.token + "/a.mp3";
      const std::string out = handler->Handle([&uri](const char* name) -> const char* {
        if (std::string(name) == "REQUEST_URI") return uri.c_str();
        if (std::string(name) == "REQUEST_METHOD") return "GET";
        return nullptr;
      });
      const size_t at = out.find("X-Mediagate-User: ");
      if (at != std::string::npos) u.ref = out.substr(at + 18, out.find('\r', at) - at - 18);
      if (u.entitled == u.ref.empty()) abort();  // the fixture itself is wrong
    }
  }

  // Expands the \x01/\x02/\x03 macros of a value.
  std::string Expand(const std::string& raw) const {
    std::string out;
    for (size_t i = 0; i < raw.size(); ++i) {
      const char c = raw[i];
      if ((c == '\x01' || c == '\x02' || c == '\x03') && i + 1 < raw.size()) {
        const unsigned d = static_cast<unsigned char>(raw[++i]);
        if (c == '\x01') out += users[d % kUsers].b64;
        if (c == '\x02') out += users[d % kUsers].token;
        if (c == '\x03') out += kFiles[d % 2];
      } else {
        out.push_back(c);
      }
    }
    return out;
  }

  Config config;
  FakeRecordStore records;
  FakeClock clock;
  std::unique_ptr<Metrics> metrics;
  std::unique_ptr<Upstream> upstream;
  std::unique_ptr<Decider> decider;
  std::unique_ptr<RequestHandler> handler;
  std::vector<FakeUser> users;
};

void CheckResponse(const World& w, const std::map<std::string, std::string>& params,
                   bool store_down, const std::string& out) {
  if (out.compare(0, 8, "Status: ") != 0 || !Contains(out, "\r\n\r\n")) abort();
  const auto get = [&params](const char* name) {
    auto it = params.find(name);
    return it == params.end() ? std::string() : it->second;
  };
  const std::string uri = get("REQUEST_URI");
  const std::string method = get("REQUEST_METHOD");
  const std::string head = out.substr(0, out.find("\r\n\r\n"));
  for (const FakeUser& u : w.users) {
    if (Contains(head, u.mac) || Contains(head, u.email)) abort();
  }
  if (!Contains(head, "X-Mediagate-Upstream: ")) {
    if (out.compare(0, 11, "Status: 200") == 0) {
      const std::string path = uri.substr(0, uri.find('?'));
      if (path != w.config.server.metrics_path && path != w.config.server.health_path) {
        abort();
      }
    }
    return;
  }
  // An allow.
  if (out.compare(0, 15, "Status: 200 OK\r") != 0) abort();
  if (store_down || (method != "GET" && method != "HEAD")) abort();
  for (const FakeUser& u : w.users) {
    if (Contains(head, "X-Mediagate-User: " + u.ref + "\r")) {
      if (!u.entitled || !Contains(uri, u.mac)) abort();
      return;
    }
  }
  abort();  // an allow for no entitled user
}

}  // namespace
}  // namespace mediagate

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mediagate;
  static World* world = new World();
  if (size == 0) return 0;
  const bool store_down = data[0] & 1;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::map<std::string, std::string> params;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(start, end - start);
    const size_t eq = line.find('=');
    if (eq != std::string::npos) {
      // The handler sees C strings (as libfcgi hands them over): cut at a NUL.
      const std::string name = line.substr(0, eq);
      const std::string value = world->Expand(line.substr(eq + 1));
      params[name.substr(0, name.find('\0'))] = value.substr(0, value.find('\0'));
    }
    start = end + 1;
  }
  world->records.down = store_down;
  std::string out;
  try {
    out = world->handler->Handle([&params](const char* name) -> const char* {
      auto it = params.find(name);
      return it == params.end() ? nullptr : it->second.c_str();
    });
  } catch (...) {
    abort();
  }
  CheckResponse(*world, params, store_down, out);
  return 0;
}
