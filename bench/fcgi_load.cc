// fcgi_load: a small FastCGI load generator for `mediagate serve`.
//
// It speaks just enough FastCGI to act like nginx's auth_request: per request
// a new unix-socket connection, BEGIN_REQUEST (role RESPONDER, keep_conn=0),
// or with --keep-conn 1 one connection per thread kept across requests
// (keep_conn=1, as nginx/mediagate-http.conf ships: fastcgi_keep_conn on;
// a kept connection the server closed is replaced and the request resent),
// the PARAMS stream (nginx's usual fastcgi_params), an empty STDIN, then it
// reads records until END_REQUEST and takes the HTTP status from the
// "Status: NNN" header of the STDOUT stream (absent means 200). Each of the
// --concurrency threads runs one request at a time; URIs are taken
// round-robin from one shared counter, so `--requests N` with N URIs visits
// each exactly once.
//
//   fcgi_load --socket unix:PATH [--concurrency C]
//             (--duration SECONDS | --requests N)
//             (--uri-file FILE | --uri URI) [--method GET] [--expect-status 200]
//             [--show-response 1]   (the first response's STDOUT to stderr)
//             [--keep-conn 1]
//
// Prints one JSON line: requests, errors (I/O failures and unexpected
// statuses), seconds, rps, latency percentiles in microseconds, and the count
// of each status seen (-1: I/O failure), and its own CPU time. Exits 1 when
// there were errors.
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

constexpr uint8_t kBeginRequest = 1;
constexpr uint8_t kEndRequest = 3;
constexpr uint8_t kParams = 4;
constexpr uint8_t kStdin = 5;
constexpr uint8_t kStdout = 6;
constexpr uint16_t kRequestId = 1;

struct Options {
  std::string socket_path;
  int concurrency = 1;
  double duration = 0;
  int64_t requests = 0;
  std::vector<std::string> uris;
  std::string method = "GET";
  int expect_status = 200;
  bool show_response = false;  // print the first response's STDOUT to stderr
  bool keep_conn = false;      // one connection per thread, FCGI_KEEP_CONN
};

void AppendRecord(uint8_t type, const std::string& body, std::string* out) {
  const char header[8] = {1,
                          static_cast<char>(type),
                          0,
                          kRequestId,
                          static_cast<char>(body.size() >> 8),
                          static_cast<char>(body.size() & 0xff),
                          0,
                          0};
  out->append(header, sizeof(header));
  out->append(body);
}

void AppendLength(size_t n, std::string* out) {
  if (n < 128) {
    out->push_back(static_cast<char>(n));
  } else {
    for (int shift : {24, 16, 8, 0}) {
      const uint32_t byte = (static_cast<uint32_t>(n) >> shift) & 0xff;
      out->push_back(static_cast<char>(shift == 24 ? (byte | 0x80) : byte));
    }
  }
}

// The bytes of one whole request: BEGIN_REQUEST, PARAMS..., empty PARAMS,
// empty STDIN.
std::string BuildRequest(const std::string& uri, const std::string& method, bool keep_conn) {
  const std::string path = uri.substr(0, uri.find('?'));
  const std::string query =
      uri.find('?') == std::string::npos ? "" : uri.substr(uri.find('?') + 1);
  const std::pair<std::string, std::string> params[] = {
      {"QUERY_STRING", query},
      {"REQUEST_METHOD", method},
      {"CONTENT_TYPE", ""},
      {"CONTENT_LENGTH", ""},
      {"SCRIPT_NAME", path},
      {"REQUEST_URI", uri},
      {"DOCUMENT_URI", path},
      {"DOCUMENT_ROOT", "/usr/share/nginx/html"},
      {"SERVER_PROTOCOL", "HTTP/1.1"},
      {"REQUEST_SCHEME", "http"},
      {"GATEWAY_INTERFACE", "CGI/1.1"},
      {"SERVER_SOFTWARE", "nginx/1.22.1"},
      {"REMOTE_ADDR", "127.0.0.1"},
      {"REMOTE_PORT", "40000"},
      {"SERVER_ADDR", "127.0.0.1"},
      {"SERVER_PORT", "80"},
      {"SERVER_NAME", "localhost"},
      {"HTTP_USER_AGENT", "fcgi_load"}};
  std::string pairs;
  for (const auto& [name, value] : params) {
    AppendLength(name.size(), &pairs);
    AppendLength(value.size(), &pairs);
    pairs += name + value;
  }
  std::string out;
  std::string begin("\0\1\0\0\0\0\0\0", 8);  // RESPONDER
  if (keep_conn) begin[2] = 1;               // FCGI_KEEP_CONN
  AppendRecord(kBeginRequest, begin, &out);
  for (size_t at = 0; at < pairs.size(); at += 65535) {
    AppendRecord(kParams, pairs.substr(at, 65535), &out);
  }
  AppendRecord(kParams, "", &out);
  AppendRecord(kStdin, "", &out);
  return out;
}

bool ReadFull(int fd, char* buf, size_t n) {
  while (n > 0) {
    const ssize_t got = read(fd, buf, n);
    if (got <= 0) return false;
    buf += got;
    n -= static_cast<size_t>(got);
  }
  return true;
}

// The "Status: NNN" of a CGI response's headers; 200 when absent, -1 when
// the headers are malformed.
int ParseStatus(const std::string& stdout_data) {
  const size_t end = stdout_data.find("\r\n\r\n");
  if (end == std::string::npos) return -1;
  size_t line = 0;
  while (line < end) {
    const size_t eol = stdout_data.find("\r\n", line);
    if (strncasecmp(stdout_data.c_str() + line, "Status:", 7) == 0) {
      return std::atoi(stdout_data.c_str() + line + 7);
    }
    line = eol + 2;
  }
  return 200;
}

int Connect(const std::string& socket_path) {
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  timeval timeout{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, socket_path.c_str(), sizeof(addr.sun_path) - 1);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// One request on the connection fd; returns the status, or -1 on failure
// (*answered: whether any byte of an answer came). *out receives the STDOUT
// stream.
int Exchange(int fd, const std::string& request, std::string* out, bool* answered) {
  *answered = false;
  if (send(fd, request.data(), request.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(request.size())) {
    return -1;
  }
  unsigned char header[8];
  std::vector<char> body;
  while (ReadFull(fd, reinterpret_cast<char*>(header), sizeof(header))) {
    *answered = true;
    const size_t length = (header[4] << 8 | header[5]) + header[6];
    body.resize(length);
    if (!ReadFull(fd, body.data(), length)) break;
    if (header[1] == kStdout) out->append(body.data(), length - header[6]);
    if (header[1] == kEndRequest) return ParseStatus(*out);
  }
  return -1;
}

// One request, on *fd when it is a kept connection (>= 0), else on a new one;
// with keep, the connection stays in *fd after a complete answer. A kept
// connection that fails before any answer (closed by the server while idle)
// is replaced once. Returns the status, or -1 on failure.
int DoRequest(const std::string& socket_path, const std::string& request, bool keep, int* fd,
              std::string* out) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    const bool reused = *fd >= 0;
    if (!reused) *fd = Connect(socket_path);
    if (*fd < 0) return -1;
    bool answered = false;
    const int status = Exchange(*fd, request, out, &answered);
    if (status < 0 || !keep) {
      close(*fd);
      *fd = -1;
    }
    if (status >= 0 || answered || !reused) return status;
  }
  return -1;
}

[[noreturn]] void Usage(const std::string& why) {
  std::cerr << "fcgi_load: " << why << "\nusage: fcgi_load --socket unix:PATH "
            << "[--concurrency C] (--duration S | --requests N) "
            << "(--uri-file FILE | --uri URI) [--method M] [--expect-status N] "
            << "[--show-response 1] [--keep-conn 1]\n";
  std::exit(2);
}

Options ParseOptions(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) Usage("missing value for " + flag);
    const std::string value = argv[++i];
    if (flag == "--socket") {
      if (value.rfind("unix:", 0) != 0) Usage("--socket must be unix:PATH");
      o.socket_path = value.substr(5);
    } else if (flag == "--concurrency") {
      o.concurrency = std::max(1, std::stoi(value));
    } else if (flag == "--duration") {
      o.duration = std::stod(value);
    } else if (flag == "--requests") {
      o.requests = std::stoll(value);
    } else if (flag == "--uri") {
      o.uris.push_back(value);
    } else if (flag == "--uri-file") {
      std::ifstream in(value);
      if (!in) Usage("cannot read " + value);
      for (std::string line; std::getline(in, line);) {
        if (!line.empty()) o.uris.push_back(line);
      }
    } else if (flag == "--method") {
      o.method = value;
    } else if (flag == "--show-response") {
      o.show_response = value == "1";
    } else if (flag == "--keep-conn") {
      o.keep_conn = value == "1";
    } else if (flag == "--expect-status") {
      o.expect_status = std::stoi(value);
    } else {
      Usage("unknown option " + flag);
    }
  }
  if (o.socket_path.empty()) Usage("--socket is required");
  if (o.uris.empty()) Usage("no URIs (--uri or --uri-file)");
  if ((o.duration > 0) == (o.requests > 0)) Usage("give one of --duration or --requests");
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  try {
    o = ParseOptions(argc, argv);
  } catch (const std::exception& e) {  // std::stoi and friends
    Usage(std::string("bad number: ") + e.what());
  }
  std::vector<std::string> requests;
  for (const std::string& uri : o.uris)
    requests.push_back(BuildRequest(uri, o.method, o.keep_conn));

  std::atomic<int64_t> next{0};
  std::atomic<int64_t> errors{0};
  std::mutex mu;
  std::vector<int64_t> latencies_us;
  std::map<int, int64_t> statuses;
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::duration_cast<Clock::duration>(
                                    std::chrono::duration<double>(o.duration));
  auto run = [&] {
    std::vector<int64_t> mine;
    std::map<int, int64_t> seen;
    int fd = -1;  // the kept connection (--keep-conn 1)
    while (true) {
      const int64_t i = next.fetch_add(1);
      if (o.requests > 0 ? i >= o.requests : Clock::now() >= deadline) break;
      const auto t0 = Clock::now();
      std::string out;
      const int status =
          DoRequest(o.socket_path, requests[i % requests.size()], o.keep_conn, &fd, &out);
      mine.push_back(
          std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t0).count());
      ++seen[status];
      if (status != o.expect_status) errors.fetch_add(1);
      if (o.show_response && i == 0) std::cerr << out;
    }
    if (fd >= 0) close(fd);
    std::lock_guard<std::mutex> lock(mu);
    latencies_us.insert(latencies_us.end(), mine.begin(), mine.end());
    for (const auto& [status, n] : seen) statuses[status] += n;
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < o.concurrency; ++t) threads.emplace_back(run);
  for (std::thread& t : threads) t.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();

  std::sort(latencies_us.begin(), latencies_us.end());
  auto pct = [&](double p) -> int64_t {
    if (latencies_us.empty()) return 0;
    const size_t rank = static_cast<size_t>(p / 100.0 * latencies_us.size());
    return latencies_us[std::min(rank, latencies_us.size() - 1)];
  };
  const int64_t n = static_cast<int64_t>(latencies_us.size());
  std::string status_json;
  for (const auto& [status, count] : statuses) {
    status_json += (status_json.empty() ? "\"" : ", \"") + std::to_string(status) +
                   "\": " + std::to_string(count);
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto cpu_s = [](const timeval& tv) { return tv.tv_sec + tv.tv_usec / 1e6; };
  std::printf(
      "{\"requests\": %lld, \"errors\": %lld, \"seconds\": %.3f, \"rps\": %.1f, "
      "\"p50_us\": %lld, \"p90_us\": %lld, \"p99_us\": %lld, \"max_us\": %lld, "
      "\"statuses\": {%s}, \"cpu_user_s\": %.3f, \"cpu_sys_s\": %.3f}\n",
      static_cast<long long>(n), static_cast<long long>(errors.load()), seconds,
      seconds > 0 ? n / seconds : 0.0, static_cast<long long>(pct(50)),
      static_cast<long long>(pct(90)), static_cast<long long>(pct(99)),
      static_cast<long long>(n > 0 ? latencies_us.back() : 0), status_json.c_str(),
      cpu_s(usage.ru_utime), cpu_s(usage.ru_stime));
  return errors.load() == 0 ? 0 : 1;
}
