#define _DEFAULT_SOURCE
#include "posix_hal.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

typedef char sha256_state_fits[sizeof(crypto_hash_sha256_state) <= sizeof(ef_sha256_ctx) ? 1 : -1];

static const char *const region_files[4] = {"slot-a.bin", "slot-b.bin", "staging.bin", "state.bin"};

static size_t port_read(void *c, uint8_t *buf, size_t cap) {
  posix_ctx *x = (posix_ctx *)c;
  ssize_t n;
  if (x->port_fd < 0) return 0;
  n = read(x->port_fd, buf, cap);
  if (n > 0) return (size_t)n;
  /* With VMIN 0 a tty answers 0 when no byte is waiting; EIO says the other end went away (cable out, pty closed). */
  if (n == 0 || errno == EAGAIN || errno == EINTR) return 0;
  x->port_lost = 1;
  return 0;
}

static void port_write(void *c, const uint8_t *buf, size_t len) {
  posix_ctx *x = (posix_ctx *)c;
  while (len && x->port_fd >= 0) {
    ssize_t n = write(x->port_fd, buf, len);
    if (n > 0) {
      buf += n;
      len -= (size_t)n;
    } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      struct pollfd p;
      p.fd = x->port_fd;
      p.events = POLLOUT;
      if (poll(&p, 1, 100) == 0) return; /* the line is stuck: the frame is lost, the protocol resends */
    } else {
      x->port_lost = 1;
      return;
    }
  }
}

static double seconds(clockid_t id) {
  struct timespec t;
  clock_gettime(id, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static uint32_t now_ms(void *c) {
  struct timespec t;
  (void)c;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint32_t)((uint64_t)t.tv_sec * 1000u + (uint64_t)t.tv_nsec / 1000000u);
}

static int64_t wall_ms(void *c) {
  struct timespec t;
  (void)c;
  clock_gettime(CLOCK_REALTIME, &t);
  return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static int region(posix_ctx *x, int r) {
  if (r < 0 || r > 3) return -1;
  if (x->region_fd[r] < 0) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", x->dir, region_files[r]);
    x->region_fd[r] = open(path, O_RDWR | O_CREAT, 0600);
  }
  return x->region_fd[r];
}

static int store_read(void *c, int r, uint64_t off, uint8_t *buf, size_t len) {
  int fd = region((posix_ctx *)c, r);
  while (len) {
    ssize_t n = pread(fd, buf, len, (off_t)off);
    if (n <= 0) return -1; /* past the end: never written */
    buf += n;
    off += (uint64_t)n;
    len -= (size_t)n;
  }
  return 0;
}

static int store_write(void *c, int r, uint64_t off, const uint8_t *buf, size_t len) {
  posix_ctx *x = (posix_ctx *)c;
  int fd = region(x, r);
  if (fd < 0 || off + len > x->capacity + (r == 3 ? x->capacity : 0)) return -1;
  while (len) {
    ssize_t n = pwrite(fd, buf, len, (off_t)off);
    if (n <= 0) return -1;
    buf += n;
    off += (uint64_t)n;
    len -= (size_t)n;
  }
  return 0;
}

static int store_erase(void *c, int r) {
  int fd = region((posix_ctx *)c, r);
  return fd < 0 || ftruncate(fd, 0) != 0 || fsync(fd) != 0 ? -1 : 0;
}

static int store_sync(void *c, int r) {
  int fd = region((posix_ctx *)c, r);
  return fd < 0 || fsync(fd) != 0 ? -1 : 0;
}

static uint64_t store_capacity(void *c, int r) {
  (void)r;
  return ((posix_ctx *)c)->capacity;
}

static void sha_init(void *c, ef_sha256_ctx *s) {
  (void)c;
  crypto_hash_sha256_init((crypto_hash_sha256_state *)(void *)s->u.bytes);
}

static void sha_update(void *c, ef_sha256_ctx *s, const uint8_t *data, size_t len) {
  (void)c;
  crypto_hash_sha256_update((crypto_hash_sha256_state *)(void *)s->u.bytes, data, len);
}

static void sha_final(void *c, ef_sha256_ctx *s, uint8_t out[32]) {
  (void)c;
  crypto_hash_sha256_final((crypto_hash_sha256_state *)(void *)s->u.bytes, out);
}

static int verify(void *c, const uint8_t sig[64], const uint8_t *msg, size_t len, const uint8_t pk[32]) {
  (void)c;
  return crypto_sign_verify_detached(sig, msg, len, pk) == 0;
}

static int random_bytes(void *c, uint8_t *buf, size_t len) {
  (void)c;
  randombytes_buf(buf, len);
  return 0;
}

static void metrics(void *c, ef_metrics *m) {
  posix_ctx *x = (posix_ctx *)c;
  struct rusage u;
  double cpu, wall = seconds(CLOCK_MONOTONIC), load;
  long pages = 0, resident = 0;
  FILE *f = fopen("/proc/self/statm", "r");
  if (f) {
    if (fscanf(f, "%ld %ld", &pages, &resident) == 2) m->rss_bytes = (uint64_t)resident * (uint64_t)sysconf(_SC_PAGESIZE);
    fclose(f);
  }
  getrusage(RUSAGE_SELF, &u);
  cpu = (double)u.ru_utime.tv_sec + (double)u.ru_utime.tv_usec / 1e6 + (double)u.ru_stime.tv_sec + (double)u.ru_stime.tv_usec / 1e6;
  if (wall > x->last_wall_s) m->cpu_percent = 100.0 * (cpu - x->last_cpu_s) / (wall - x->last_wall_s);
  x->last_cpu_s = cpu;
  x->last_wall_s = wall;
  if (getloadavg(&load, 1) == 1) m->load_avg1 = load;
}

static void log_line(void *c, const char *line) {
  (void)c;
  fprintf(stderr, "edgefleet-c-device: %s\n", line);
}

int posix_hal_init(ef_hal *hal, posix_ctx *ctx, const char *dir, uint64_t capacity) {
  int i;
  struct rusage u;
  if (sodium_init() < 0) return -1;
  memset(ctx, 0, sizeof *ctx);
  ctx->port_fd = -1;
  ctx->dir = dir;
  ctx->capacity = capacity;
  for (i = 0; i < 4; i++) ctx->region_fd[i] = -1;
  getrusage(RUSAGE_SELF, &u);
  ctx->last_cpu_s = (double)u.ru_utime.tv_sec + (double)u.ru_stime.tv_sec;
  ctx->last_wall_s = seconds(CLOCK_MONOTONIC);
  memset(hal, 0, sizeof *hal);
  hal->ctx = ctx;
  hal->read = port_read;
  hal->write = port_write;
  hal->now_ms = now_ms;
  hal->wall_ms = wall_ms;
  hal->store_read = store_read;
  hal->store_write = store_write;
  hal->store_erase = store_erase;
  hal->store_sync = store_sync;
  hal->store_capacity = store_capacity;
  hal->sha256_init = sha_init;
  hal->sha256_update = sha_update;
  hal->sha256_final = sha_final;
  hal->ed25519_verify = verify;
  hal->random = random_bytes;
  hal->metrics = metrics;
  hal->log = log_line;
  return 0;
}

static speed_t speed_of(uint32_t baud) {
  static const struct { uint32_t baud; speed_t speed; } table[] = {
      {9600, B9600},     {19200, B19200},     {38400, B38400},     {57600, B57600},     {115200, B115200},   {230400, B230400},
      {460800, B460800}, {921600, B921600},   {1000000, B1000000}, {2000000, B2000000}, {3000000, B3000000}, {4000000, B4000000},
  };
  size_t i;
  for (i = 0; i < sizeof table / sizeof table[0]; i++)
    if (table[i].baud == baud) return table[i].speed;
  return B0;
}

int posix_open_port(const char *path, uint32_t baud) {
  struct termios t;
  int fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK);
  speed_t speed = speed_of(baud);
  if (fd < 0) return -1;
  if (tcgetattr(fd, &t) == 0) {
    t.c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON | IXOFF | IXANY);
    t.c_oflag &= ~(tcflag_t)OPOST;
    t.c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
    t.c_cflag &= ~(tcflag_t)(CSIZE | PARENB | CSTOPB | CRTSCTS);
    t.c_cflag |= CS8 | CREAD | CLOCAL;
    t.c_cc[VMIN] = 0;
    t.c_cc[VTIME] = 0;
    if (speed != B0) {
      cfsetispeed(&t, speed);
      cfsetospeed(&t, speed);
    }
    tcsetattr(fd, TCSANOW, &t);
  }
  return fd;
}
