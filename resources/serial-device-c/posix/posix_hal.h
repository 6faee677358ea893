/* The HAL on a POSIX system: a tty (or pty), slots as files in a directory, libsodium for SHA-256 and Ed25519. */
#ifndef POSIX_HAL_H
#define POSIX_HAL_H
#include <stdint.h>
#include "../src/ef_hal.h"

typedef struct {
  int port_fd; /* -1 while the port is away */
  int port_lost;
  const char *dir;
  int region_fd[4];
  uint64_t capacity;
  double last_cpu_s, last_wall_s;
} posix_ctx;

/* Fills hal with the POSIX callbacks; returns -1 when libsodium cannot start. */
int posix_hal_init(ef_hal *hal, posix_ctx *ctx, const char *dir, uint64_t capacity);
/* Opens a serial port raw, 8N1, no flow control, non-blocking; -1 with errno on failure. */
int posix_open_port(const char *path, uint32_t baud);

#endif
