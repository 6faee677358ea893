#!/usr/bin/env bash
# Prepares a Debian 12 x86_64 machine (as root) for test/integration/agent-build.test.ts: runs linux-arm64
# binaries under qemu through binfmt_misc, with arm64's C runtime for loose binaries (the agent build's
# own node), and fetches the pinned Node runtimes the agent build packs (scripts/fetch-agent-runtimes.js).
# Safe to run again: it installs and registers only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive

if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  echo "adding the arm64 package architecture"
  dpkg --add-architecture arm64
  apt-get update -qq
fi
bash "$(dirname "$0")/apt-ensure.sh" qemu-user-static binfmt-support libc6:arm64 libstdc++6:arm64

# Containers often start with binfmt_misc unmounted; the qemu entry carries the F flag (works in chroots too).
if [ ! -e /proc/sys/fs/binfmt_misc/register ]; then
  mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
fi
if [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]; then
  update-binfmts --enable qemu-aarch64
fi
if ! grep -qx enabled /proc/sys/fs/binfmt_misc/qemu-aarch64; then
  echo "qemu-aarch64 is not registered with binfmt_misc (see /proc/sys/fs/binfmt_misc)" >&2
  exit 1
fi

node scripts/fetch-agent-runtimes.js
