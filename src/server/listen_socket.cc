// OpenListenSocket: systemd, --listen, or fd 0.
#include "server/listen_socket.h"

#include <grp.h>
#include <netdb.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/posix_error.h"

namespace mediagate {
namespace {

constexpr int kBacklog = 1024;

bool IsListeningSocket(int fd) {
  int listening = 0;
  socklen_t len = sizeof(listening);
  return getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) == 0 && listening;
}

Status ApplyOwnerAndMode(const std::string& path, const ListenOptions& o) {
  if (!o.mode.empty()) {
    char* end = nullptr;
    const long mode = std::strtol(o.mode.c_str(), &end, 8);
    if (*end != '\0' || mode < 0 || mode > 0777) {
      return Status::InvalidArgument("--socket-mode: \"" + o.mode + "\" is not an octal mode");
    }
    if (chmod(path.c_str(), static_cast<mode_t>(mode)) != 0) {
      return PosixError("chmod " + path, errno);
    }
  }
  if (!o.owner.empty()) {
    const size_t colon = o.owner.find(':');
    const std::string user = o.owner.substr(0, colon);
    uid_t uid = static_cast<uid_t>(-1);
    gid_t gid = static_cast<gid_t>(-1);
    if (!user.empty()) {
      const passwd* pw = getpwnam(user.c_str());
      if (pw == nullptr) return Status::NotFound("--socket-owner: no user " + user);
      uid = pw->pw_uid;
    }
    if (colon != std::string::npos) {
      const std::string group_name = o.owner.substr(colon + 1);
      const struct group* gr = getgrnam(group_name.c_str());
      if (gr == nullptr) return Status::NotFound("--socket-owner: no group " + group_name);
      gid = gr->gr_gid;
    }
    if (chown(path.c_str(), uid, gid) != 0) return PosixError("chown " + path, errno);
  }
  return Status::Ok();
}

// True when something accepts connections on the unix socket at `addr`.
bool SocketAnswers(const sockaddr_un& addr) {
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  const bool answers = connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) == 0;
  close(fd);
  return answers;
}

Result<ListenSocket> ListenUnix(const std::string& path, const ListenOptions& o) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof(addr.sun_path)) {
    return Status::InvalidArgument("--listen: unix socket path empty or too long");
  }
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  struct stat st;
  if (lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) {
      return Status::IoError("--listen: " + path + " exists and is not a socket");
    }
    if (SocketAnswers(addr)) {
      return PosixError("--listen: " + path + " is served by another process", EADDRINUSE);
    }
    unlink(path.c_str());  // a stale socket from an earlier run
  }
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return PosixError("socket", errno);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      listen(fd, kBacklog) != 0) {
    Status s = PosixError("bind/listen " + path, errno);
    close(fd);
    return s;
  }
  Status s = ApplyOwnerAndMode(path, o);
  if (!s.ok()) {
    close(fd);
    unlink(path.c_str());
    return s;
  }
  return ListenSocket{fd, path, "unix:" + path};
}

Result<ListenSocket> ListenTcp(const std::string& address) {
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos) {
    return Status::InvalidArgument("--listen: expected unix:PATH or HOST:PORT");
  }
  std::string host = address.substr(0, colon);
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  const std::string port = address.substr(colon + 1);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* res = nullptr;
  const int rc = getaddrinfo(host.empty() ? nullptr : host.c_str(), port.c_str(), &hints, &res);
  if (rc == EAI_AGAIN || rc == EAI_SYSTEM) {  // the resolver, not the address
    return Status::Unavailable("--listen " + address + ": " + gai_strerror(rc));
  }
  if (rc != 0) {
    return Status::InvalidArgument("--listen " + address + ": " + gai_strerror(rc));
  }
  int fd = socket(res->ai_family, res->ai_socktype | SOCK_CLOEXEC, res->ai_protocol);
  const int one = 1;
  Status s;
  if (fd < 0) {
    s = PosixError("socket", errno);
  } else if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
             bind(fd, res->ai_addr, res->ai_addrlen) != 0 || listen(fd, kBacklog) != 0) {
    s = PosixError("bind/listen " + address, errno);
    close(fd);
  }
  freeaddrinfo(res);
  if (!s.ok()) return s;
  return ListenSocket{fd, "", address};
}

}  // namespace

Result<ListenSocket> OpenListenSocket(const ListenOptions& options) {
  const int n = sd_listen_fds(1);  // unsets LISTEN_* so workers don't see them
  if (n > 1) return Status::InvalidArgument("systemd passed more than one socket");
  if (n == 1) {
    if (!options.address.empty()) {
      return Status::InvalidArgument("--listen given but systemd passed a socket");
    }
    if (!IsListeningSocket(SD_LISTEN_FDS_START)) {
      return Status::InvalidArgument("the systemd socket is not a listening stream socket");
    }
    return ListenSocket{SD_LISTEN_FDS_START, "", "systemd socket (fd 3)"};
  }
  if (!options.address.empty()) {
    if (options.address.compare(0, 5, "unix:") == 0) {
      return ListenUnix(options.address.substr(5), options);
    }
    if (!options.mode.empty() || !options.owner.empty()) {
      return Status::InvalidArgument("--socket-mode/--socket-owner need a unix: address");
    }
    return ListenTcp(options.address);
  }
  if (!IsListeningSocket(0)) {
    return Status::InvalidArgument(
        "fd 0 is not a listening socket (run under spawn-fcgi or systemd, or pass "
        "--listen unix:PATH|HOST:PORT)");
  }
  return ListenSocket{0, "", "fd 0 (spawn-fcgi)"};
}

}  // namespace mediagate
