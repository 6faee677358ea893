/* edgefleet-c-device: the reference device on a POSIX tty or pty.
 *   edgefleet-c-device --port PATH --data DIR [--baud N] [--name NAME] [--id ID] [--slot-bytes N]
 *                      [--pairing-code CODE | --new-pairing-code]
 * Slots, staging area and state are files in DIR; the pairing code is printed at start until used. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "../src/ef_device.h"
#include "posix_hal.h"

static ef_device device; /* every byte of the device's memory: no allocation */
static volatile sig_atomic_t stopping = 0;

static void on_signal(int sig) {
  (void)sig;
  stopping = 1;
}

static int usage(const char *problem) {
  fprintf(stderr, "edgefleet-c-device: %s\nusage: edgefleet-c-device --port PATH --data DIR [--baud N] [--name NAME] [--id ID] [--slot-bytes N] [--pairing-code CODE | --new-pairing-code]\n", problem);
  return 2;
}

static int parse_u64(const char *s, uint64_t *out) {
  char *end;
  unsigned long long v;
  errno = 0;
  v = strtoull(s, &end, 10);
  if (errno || !*s || *end || *s == '-') return -1;
  *out = (uint64_t)v;
  return 0;
}

int main(int argc, char **argv) {
  const char *port = NULL, *dir = NULL, *code = NULL;
  int new_code = 0, i;
  uint64_t baud = 921600, slot_bytes = 64u * 1024u * 1024u;
  static ef_hal hal;
  static posix_ctx ctx;
  ef_device_config cfg;
  struct sigaction sa;
  memset(&cfg, 0, sizeof cfg);
  cfg.name = "c-reference-device";
  cfg.agent_version = "edgefleet-c-device 0.1.0";
  cfg.arch = "x64";
  cfg.platform = "linux";
  cfg.cpu = "POSIX port of the C reference device";
  cfg.runtime_name = "store-only";
  cfg.runtime_version = "0.1.0";
  cfg.cores = 1;
  for (i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(a, "--new-pairing-code") == 0) {
      new_code = 1;
      continue;
    }
    if (!v) return usage("an option is missing its value");
    if (strcmp(a, "--port") == 0) port = v;
    else if (strcmp(a, "--data") == 0) dir = v;
    else if (strcmp(a, "--name") == 0) cfg.name = v;
    else if (strcmp(a, "--id") == 0) cfg.device_id = v;
    else if (strcmp(a, "--pairing-code") == 0) code = v;
    else if (strcmp(a, "--baud") == 0) {
      if (parse_u64(v, &baud) || baud < 300 || baud > 12000000) return usage("--baud must be a whole number from 300 to 12000000");
    } else if (strcmp(a, "--slot-bytes") == 0) {
      if (parse_u64(v, &slot_bytes) || slot_bytes < 1024) return usage("--slot-bytes must be a whole number of bytes, at least 1024");
    } else return usage("unknown option");
    i++;
  }
  if (!port || !dir) return usage("--port and --data are required");
  cfg.baud = (uint32_t)baud;
  {
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    if (pages > 0 && size > 0) cfg.total_memory_bytes = (uint64_t)pages * (uint64_t)size;
    if (cores > 0) cfg.cores = (uint32_t)cores;
  }
#if defined(__aarch64__)
  cfg.arch = "arm64";
#elif defined(__arm__)
  cfg.arch = "arm";
#endif
  if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
    fprintf(stderr, "edgefleet-c-device: cannot create the data directory %s: %s\n", dir, strerror(errno));
    return 1;
  }
  if (posix_hal_init(&hal, &ctx, dir, slot_bytes) != 0) {
    fprintf(stderr, "edgefleet-c-device: libsodium failed to start\n");
    return 1;
  }
  if (ef_device_start(&device, &hal, &cfg) != 0) {
    fprintf(stderr, "edgefleet-c-device: the data directory %s cannot be read or written\n", dir);
    return 1;
  }
  if ((code || new_code) && ef_device_new_pairing_code(&device, code) != 0) {
    fprintf(stderr, "edgefleet-c-device: --pairing-code must be 4 to 16 characters of ABCDEFGHJKMNPQRSTUVWXYZ23456789\n");
    return 2;
  }
  fprintf(stderr, "edgefleet-c-device: device id %s\n", device.st.device_id);
  if (ef_device_pairing_code(&device)) fprintf(stderr, "edgefleet-c-device: pairing code: %s\n", ef_device_pairing_code(&device));
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);
  while (!stopping) {
    struct pollfd p;
    if (ctx.port_fd < 0) {
      ctx.port_fd = posix_open_port(port, cfg.baud);
      ctx.port_lost = 0;
      if (ctx.port_fd < 0) {
        usleep(200000);
        continue;
      }
      fprintf(stderr, "edgefleet-c-device: serving the EdgeFleet link protocol on %s at %lu baud\n", port, (unsigned long)baud);
    }
    p.fd = ctx.port_fd;
    p.events = POLLIN;
    poll(&p, 1, 5);
    ef_device_poll(&device);
    if (ctx.port_lost) {
      fprintf(stderr, "edgefleet-c-device: port %s closed; waiting for it to come back\n", port);
      close(ctx.port_fd);
      ctx.port_fd = -1;
      usleep(200000);
    }
  }
  return 0;
}
