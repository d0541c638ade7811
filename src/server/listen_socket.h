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

// Opens or adopts the listening socket. A unix socket left by an earlier run
// is replaced, one that another process serves is not. Failures carry a
// one-line reason and say whether retrying can help:
//  - InvalidArgument: the options themselves are wrong (a malformed address
//    or mode, --listen with a systemd socket, fd 0 not a listening socket).
//    Retrying cannot help.
//  - IoError, NotFound, Unavailable: the system refused for now (address or
//    path in use, EACCES, a directory or the socket's user not there yet,
//    the resolver down). Retrying may help.
Result<ListenSocket> OpenListenSocket(const ListenOptions& options);

}  // namespace mediagate

#endif  // MEDIAGATE_LISTEN_SOCKET_H_
