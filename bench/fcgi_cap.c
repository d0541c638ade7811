/* fcgi_cap: a FastCGI responder that gives every request the same answer.
 *
 * bench/nginx_throughput's "cap": nginx's auth_request makes one FastCGI
 * round trip to it per request and nothing else happens, so its throughput
 * bounds what any responder (mediagate included) can reach through the same
 * nginx.
 *
 *   FCGI_CAP_ANSWER=FILE spawn-fcgi -n -s SOCKET ... -- fcgi_cap [WORKERS]
 *
 * FILE holds the whole CGI answer (headers, blank line, body), written to
 * the client byte for byte; it is read once at start. It comes through a file
 * named in the environment, never argv, because it holds a presigned URL (a
 * credential) that `ps` would show. The listening socket is fd 0, as
 * spawn-fcgi hands it over. The process forks WORKERS (default 2) children
 * that each serve one request at a time with libfcgi; on SIGTERM or SIGINT,
 * or when a child exits, it stops the others and exits.
 */
#include <errno.h>
#include <fcgiapp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_WORKERS 64

/* Reads all of path into a malloc'd buffer; exits 1 on failure. */
static char *ReadAnswer(const char *path, size_t *size) {
  FILE *in = fopen(path, "rb");
  if (in == NULL) {
    fprintf(stderr, "fcgi_cap: %s: %s\n", path, strerror(errno));
    exit(1);
  }
  size_t cap = 4096, n = 0;
  char *buf = malloc(cap);
  size_t got;
  while (buf != NULL && (got = fread(buf + n, 1, cap - n, in)) > 0) {
    n += got;
    if (n == cap) buf = realloc(buf, cap *= 2);
  }
  fclose(in);
  if (buf == NULL || n == 0) {
    fprintf(stderr, "fcgi_cap: %s: empty or unreadable\n", path);
    exit(1);
  }
  *size = n;
  return buf;
}

/* One worker: accept, answer, finish, forever (until a signal ends it). */
static void Serve(const char *answer, size_t size) {
  FCGX_Request request;
  if (FCGX_InitRequest(&request, 0, 0) != 0) exit(1);
  while (FCGX_Accept_r(&request) >= 0) {
    FCGX_PutStr(answer, (int)size, request.out);
    FCGX_Finish_r(&request);
  }
  exit(0);
}

int main(int argc, char **argv) {
  const char *path = getenv("FCGI_CAP_ANSWER");
  const int workers = argc > 1 ? atoi(argv[1]) : 2;
  if (path == NULL || argc > 2 || workers < 1 || workers > MAX_WORKERS) {
    fprintf(stderr, "usage: FCGI_CAP_ANSWER=FILE fcgi_cap [WORKERS (1-%d)]\n", MAX_WORKERS);
    return 2;
  }
  size_t size;
  const char *answer = ReadAnswer(path, &size);
  if (FCGX_Init() != 0) return 1;

  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGCHLD);
  sigprocmask(SIG_BLOCK, &stop, NULL);
  pid_t pids[MAX_WORKERS];
  for (int i = 0; i < workers; ++i) {
    pids[i] = fork();
    if (pids[i] < 0) {
      perror("fcgi_cap: fork");
      return 1;
    }
    if (pids[i] == 0) {
      sigprocmask(SIG_UNBLOCK, &stop, NULL);
      Serve(answer, size);
    }
  }
  int sig;
  sigwait(&stop, &sig);
  for (int i = 0; i < workers; ++i) kill(pids[i], SIGTERM);
  while (wait(NULL) > 0 || errno == EINTR) {
  }
  return sig == SIGCHLD ? 1 : 0;
}
