// The listening socket the workers accept on.
//
// Three sources, in this order: systemd socket activation (LISTEN_FDS, via
// sd_listen_fds), an explicit --listen address, or fd 0 as spawn-fcgi leaves
// it. errno failures are converted to Status here. Used by the master only.
#ifndef MEDIAGATE_LISTEN_SOCKET_H_
#define MEDIAGATE_LISTEN_SOCKET_H_

#include <string>

#include "mediagate/result.h"

namespace mediagate {

struct ListenOptions {
  std::string address;  // "unix:/path" or "HOST:PORT"; empty: fd 0 / systemd
  std::string mode;     // octal mode for a unix socket, e.g. "0660"; "" keeps umask
  std::string owner;    // "USER[:GROUP]" for a unix socket; "" keeps ours
};

struct ListenSocket {
  int fd = -1;
  std::string unix_path;  // set when we created a unix socket (unlink on exit)
  std::string description;
};

// Opens or adopts the listening socket. InvalidArgument/IoError with a
// one-line reason, e.g. "fd 0 is not a listening socket (run under
// spawn-fcgi, systemd, or pass --listen)".
Result<ListenSocket> OpenListenSocket(const ListenOptions& options);

}  // namespace mediagate

#endif  // MEDIAGATE_LISTEN_SOCKET_H_
