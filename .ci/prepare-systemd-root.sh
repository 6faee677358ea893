#!/usr/bin/env bash
# Builds, once, the Debian 12 root that test/integration/recovery-ssh-systemd.test.ts boots with
# systemd-nspawn: systemd as PID 1, sshd (port set by the test on host loopback), a login user efuser,
# and a key that logs in as root and as efuser. Safe to run again: a complete root (marker file, written
# last) is reused; a half-built one is removed and built again.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
cache="${EDGEFLEET_SYSTEMD_ROOT_CACHE:-/var/cache/edgefleet-ci/systemd-root}"
root="$cache/root"
marker="$cache/complete"

if [ -e "$marker" ]; then
  echo "systemd root ready: $root"
  exit 0
fi

bash "$(dirname "$0")/apt-ensure.sh" debootstrap systemd-container

mirror="$(sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | grep -v security | head -n1 || true)"
mirror="${mirror:-http://deb.debian.org/debian}"

rm -rf "$cache"
mkdir -p "$cache"
echo "debootstrap bookworm from $mirror into $root"
debootstrap --variant=minbase --include=systemd,systemd-sysv,dbus,libpam-systemd,openssh-server bookworm "$root" "$mirror" >"$cache/debootstrap.log" 2>&1 \
  || { tail -n 30 "$cache/debootstrap.log"; exit 1; }

ssh-keygen -q -t ed25519 -N '' -C edgefleet-ci -f "$cache/id_ed25519"
chroot "$root" useradd -m -s /bin/sh efuser
for h in /root /home/efuser; do
  install -d -m 700 "$root$h/.ssh"
  install -m 600 "$cache/id_ed25519.pub" "$root$h/.ssh/authorized_keys"
done
chroot "$root" chown -R efuser:efuser /home/efuser/.ssh
# The test writes the Port line at each boot (ef-port.conf); these stay.
cat >"$root/etc/ssh/sshd_config.d/ef.conf" <<'CONF'
ListenAddress 127.0.0.1
PasswordAuthentication no
CONF
# No private network: the container shares the host's; these would fight the host over it.
chroot "$root" systemctl mask systemd-networkd.service systemd-resolved.service >/dev/null 2>&1
touch "$marker"
echo "systemd root ready: $root"
