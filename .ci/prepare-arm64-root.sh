#!/usr/bin/env bash
# Builds, once, the stock Debian 12 arm64 root that test/integration/ssh-arm64-board.test.ts runs as an
# emulated board (its own arm64 sshd under qemu, chrooted; see test/helpers/arm64-board.ts): no Node.js,
# openssh-server, a login user efuser, and a key that logs in as root and as efuser. Needs the qemu-aarch64
# binfmt entry of .ci/prepare-arm64.sh (run that first). Safe to run again: a complete root (marker file,
# written last) is reused; a half-built one is removed and built again. Several minutes under emulation.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
cache="${EDGEFLEET_ARM64_ROOT_CACHE:-/var/cache/edgefleet-ci/arm64-root}"
root="$cache/root"
marker="$cache/complete"

if [ -e "$marker" ]; then
  echo "arm64 root ready: $root"
  exit 0
fi

if ! grep -qx enabled /proc/sys/fs/binfmt_misc/qemu-aarch64 2>/dev/null; then
  echo "qemu-aarch64 is not registered with binfmt_misc: run bash .ci/prepare-arm64.sh first" >&2
  exit 1
fi
bash "$(dirname "$0")/apt-ensure.sh" debootstrap

mirror="$(sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | grep -v security | head -n1 || true)"
mirror="${mirror:-http://deb.debian.org/debian}"

rm -rf "$cache"
mkdir -p "$cache"
echo "debootstrap --arch=arm64 bookworm from $mirror into $root (emulated: several minutes)"
debootstrap --arch=arm64 --variant=minbase --include=openssh-server bookworm "$root" "$mirror" >"$cache/debootstrap.log" 2>&1 \
  || { tail -n 30 "$cache/debootstrap.log"; exit 1; }
if [ -x "$root/usr/bin/node" ] || [ -x "$root/usr/local/bin/node" ]; then
  echo "the arm64 root has a node binary; the test needs a board without Node" >&2
  exit 1
fi

ssh-keygen -q -t ed25519 -N '' -C edgefleet-ci -f "$cache/id_ed25519"
chroot "$root" useradd -m -s /bin/sh efuser
for h in /root /home/efuser; do
  install -d -m 700 "$root$h/.ssh"
  install -m 600 "$cache/id_ed25519.pub" "$root$h/.ssh/authorized_keys"
done
chroot "$root" chown -R efuser:efuser /home/efuser/.ssh
# The helper gives the port on sshd's command line at each start; these stay.
cat >"$root/etc/ssh/sshd_config.d/ef.conf" <<'CONF'
ListenAddress 127.0.0.1
PasswordAuthentication no
CONF
touch "$marker"
echo "arm64 root ready: $root"
