#!/bin/sh
# Installs this self-contained EdgeFleet agent build; needs no network and no Node.js on the machine.
#   sudo ./install.sh [--prefix DIR] [--data-dir DIR] [--user NAME] [--port N] [--serve-port N] [--no-systemd] [--layout flat|releases] [--udev-dir DIR]
#   ./install.sh --verify-only
# Steps: check every file against MANIFEST.json (sha256); create the system user (default edgefleet);
# copy the build to --prefix (default /opt/edgefleet-agent); make the data folder (default
# /var/lib/edgefleet-agent, 0700, owned by the user); make the device identity and print the pairing
# code; install the udev rule that lets the agent's group read root-only RAPL energy counters (into
# --udev-dir, default /etc/udev/rules.d, when it exists); install and start the systemd unit, or print
# how to run the agent supervised without systemd.
# --layout releases (the default; what SSH provisioning makes too; needed for upgrades from the console):
# the build goes to --prefix/releases/<agentVersion>-<sha12 of MANIFEST.json>/ with --prefix/current (and
# previous) symlinks, and --prefix/current/run.sh starts and watches the agent. The prefix and releases/
# are then owned by the agent's user, which writes new releases there; the files of each release stay
# read-only. --layout flat copies the build into --prefix itself: such an install cannot upgrade itself.
set -eu
export LC_ALL=C

prefix=/opt/edgefleet-agent
data_dir=/var/lib/edgefleet-agent
user=edgefleet
port=8443
serve_port=8080
systemd=auto
verify_only=
layout=releases
udev_dir=/etc/udev/rules.d

die() {
  printf 'install.sh: %s\n' "$*" >&2
  exit 1
}

while [ $# -gt 0 ]; do
  case $1 in
    --prefix | --data-dir | --user | --port | --serve-port | --layout | --udev-dir)
      [ $# -ge 2 ] || die "$1 needs a value (see --help)"
      case $1 in
        --prefix) prefix=$2 ;;
        --data-dir) data_dir=$2 ;;
        --user) user=$2 ;;
        --port) port=$2 ;;
        --serve-port) serve_port=$2 ;;
        --layout) layout=$2 ;;
        --udev-dir) udev_dir=$2 ;;
      esac
      shift 2
      ;;
    --no-systemd) systemd=no; shift ;;
    --verify-only) verify_only=1; shift ;;
    -h | --help) sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done

here=$(cd "$(dirname "$0")" && pwd)
manifest=$here/MANIFEST.json
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

verify() {
  [ -f "$manifest" ] || die "MANIFEST.json is missing from $here: this is not a whole agent build. Copy the .tar.gz again and unpack all of it."
  # MANIFEST.json has one {"path":…,"sha256":…} line per file (the console writes it so).
  sed -n 's/^ *{"path":"\([^"]*\)","sha256":"\([0-9a-f]\{64\}\)".*/\2  \1/p' "$manifest" >"$tmp/sums"
  [ -s "$tmp/sums" ] || die "MANIFEST.json lists no files: it is damaged. Make the build again (edgefleet agent build) and copy it anew."
  if ! report=$(cd "$here" && sha256sum --check --strict --quiet "$tmp/sums" 2>&1); then
    die "verify failed: files do not match MANIFEST.json (changed or damaged since the console built them):
$report
Do not install this copy: make the build again (edgefleet agent build) and copy the whole .tar.gz."
  fi
  sed 's/^[0-9a-f]*  //' "$tmp/sums" | sort >"$tmp/listed"
  (cd "$here" && find . -type f ! -path ./MANIFEST.json | sed 's|^\./||' | sort) >"$tmp/present"
  extra=$(comm -13 "$tmp/listed" "$tmp/present")
  [ -z "$extra" ] || die "verify failed: files that MANIFEST.json does not list: $(echo "$extra" | tr '\n' ' ')
Do not install this copy: make the build again (edgefleet agent build) and copy the whole .tar.gz."
  echo "Verified $(wc -l <"$tmp/sums") files against MANIFEST.json (sha256)."
}

verify
[ -z "$verify_only" ] || exit 0

for p in "$prefix" "$data_dir"; do
  case $p in
    /*) ;;
    *) die "$p is not an absolute path" ;;
  esac
  case $p in
    *[!A-Za-z0-9/._-]*) die "$p: use only letters, digits and / . _ - in paths" ;;
  esac
done
case $layout in
  flat | releases) ;;
  *) die "--layout $layout: give flat or releases" ;;
esac
case $user in
  '' | *[!a-z0-9_-]*) die "--user $user: a user name is lowercase letters, digits, _ and -" ;;
esac
[ "$(id -u)" -eq 0 ] || die "run it as root (sudo $0): it creates the user $user, $prefix and $data_dir"

arch=$(sed -n 's/^ *"arch": "\([a-z0-9]*\)",$/\1/p' "$manifest")
version=$(sed -n 's/^ *"agentVersion": "\([^"]*\)",$/\1/p' "$manifest")
case $(uname -m) in
  aarch64 | arm64) machine=arm64 ;;
  x86_64 | amd64) machine=x64 ;;
  *) machine=$(uname -m) ;;
esac
[ "$machine" = "$arch" ] || die "this build is for linux-$arch, but this machine is $(uname -m): make one with edgefleet agent build --arch $machine"

if ! id -u "$user" >/dev/null 2>&1; then
  command -v useradd >/dev/null || die "useradd is missing (Debian package passwd): create the system user $user yourself, then run install.sh again"
  useradd --system --user-group --no-create-home --home-dir "$data_dir" --shell /usr/sbin/nologin "$user"
  echo "Created the system user $user."
fi
group=$(id -gn "$user")

# Points the symlink $2 at $1 in one rename(2), with this build's own node (`mv -T` is not POSIX).
relink() {
  ln -sfn "$1" "$2.new" && "$here/node/bin/node" -e 'require("fs").renameSync(process.argv[1], process.argv[2])' "$2.new" "$2"
}

# Copied beside the old install and swapped in, so a failed copy leaves the old one whole.
copy_build() {
  rm -rf "$1"
  cp -R "$here" "$1"
  chown -R 0:0 "$1"
  chmod -R u+rwX,go+rX,go-w "$1"
}
mkdir -p "$(dirname "$prefix")"
if [ "$layout" = flat ]; then
  stage=$prefix.new.$$
  copy_build "$stage"
  if [ -e "$prefix" ]; then
    rm -rf "$prefix.old"
    mv "$prefix" "$prefix.old"
  fi
  mv "$stage" "$prefix"
  rm -rf "$prefix.old"
  launcher=$prefix/run.sh
else
  # A flat install found here is replaced by the layout (the data folder is elsewhere and stays).
  if [ -e "$prefix" ] && [ ! -d "$prefix/releases" ]; then
    rm -rf "$prefix.old"
    mv "$prefix" "$prefix.old"
  fi
  mkdir -p "$prefix/releases"
  release=$version-$(sha256sum "$manifest" | cut -c1-12)
  stage=$prefix/releases/.install.$$
  copy_build "$stage"
  rm -rf "$prefix/releases/$release"
  mv "$stage" "$prefix/releases/$release"
  old=$(readlink "$prefix/current" 2>/dev/null || true)
  if [ -n "$old" ] && [ "$old" != "releases/$release" ]; then
    relink "$old" "$prefix/previous"
  fi
  relink "releases/$release" "$prefix/current"
  rm -f "$prefix/upgrade-trial.json" "$prefix/upgrade-trial.started"
  rm -rf "$prefix.old"
  chown -h "$user:$group" "$prefix" "$prefix/releases" "$prefix/current"
  [ ! -L "$prefix/previous" ] || chown -h "$user:$group" "$prefix/previous"
  chmod 0755 "$prefix" "$prefix/releases"
  launcher=$prefix/current/run.sh
fi

mkdir -p "$data_dir"
chown "$user:$group" "$data_dir"
chmod 0700 "$data_dir"

run_as_user() {
  if [ "$user" = "$(id -un)" ]; then "$@"; else runuser -u "$user" -- "$@"; fi
}
if ! init=$(run_as_user "$launcher" --data-dir "$data_dir" --init 2>&1); then
  die "the agent does not start on this machine:
$init"
fi
echo "EdgeFleet agent $version (linux-$arch) installed in $prefix${release:+ (release $release)}; data in $data_dir (owner $user, mode 0700)."
printf '%s\n' "$init"
if [ -f "$data_dir/pairing-code" ]; then
  echo "The pairing code is kept in $data_dir/pairing-code until a console pairs (the agent's log shows it too)."
fi

# Root-only RAPL energy counters (Linux 5.10+) readable by the agent's group only, never by running it as root.
if [ -f "$here/90-edgefleet-energy.rules" ] && [ -d "$udev_dir" ]; then
  sed -e "s|chgrp edgefleet |chgrp $group |" "$here/90-edgefleet-energy.rules" >"$tmp/energy.rules"
  cp "$tmp/energy.rules" "$udev_dir/90-edgefleet-energy.rules.tmp"
  mv "$udev_dir/90-edgefleet-energy.rules.tmp" "$udev_dir/90-edgefleet-energy.rules"
  if command -v udevadm >/dev/null && [ -d /run/udev ]; then
    udevadm control --reload >/dev/null 2>&1 || true
    udevadm trigger --subsystem-match=powercap --action=add >/dev/null 2>&1 || true
  fi
  echo "Installed $udev_dir/90-edgefleet-energy.rules: group $group may read the RAPL energy counters."
fi

command_line="$launcher --data-dir $data_dir --port $port --serve-port $serve_port"
if [ "$systemd" = auto ] && [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
  unit=/etc/systemd/system/edgefleet-agent.service
  sed -e "s|/opt/edgefleet-agent|$prefix|g" -e "s|^User=edgefleet\$|User=$user|" -e "s|^Group=edgefleet\$|Group=$group|" \
    -e "s|--port 8443 --serve-port 8080|--port $port --serve-port $serve_port|" "$here/edgefleet-agent.service" >"$tmp/unit"
  if [ "$data_dir" != /var/lib/edgefleet-agent ]; then
    sed -i -e "s|\${STATE_DIRECTORY}|$data_dir|" -e '/^StateDirectory/d' -e "s|^ProtectSystem=strict\$|ProtectSystem=strict\nReadWritePaths=$data_dir|" "$tmp/unit"
  fi
  if [ "$layout" = releases ]; then
    # current/run.sh starts and watches the agent; the agent writes new releases into the prefix.
    sed -i -e "s|^ExecStart=$prefix/node/bin/node $prefix/agent.js|ExecStart=$prefix/current/run.sh|" \
      -e "s|^ProtectSystem=strict\$|ProtectSystem=strict\nReadWritePaths=$prefix|" "$tmp/unit"
  fi
  cp "$tmp/unit" "$unit.tmp"
  mv "$unit.tmp" "$unit"
  systemctl daemon-reload
  systemctl enable edgefleet-agent >/dev/null
  systemctl restart edgefleet-agent
  echo "Started the systemd unit edgefleet-agent (journalctl -u edgefleet-agent shows its log)."
else
  echo "systemd is not running here (or --no-systemd was given): run the agent as $user under a supervisor, e.g."
  echo "  runuser -u $user -- $command_line"
  echo "and have it restarted when it stops, e.g. from /etc/rc.local:"
  echo "  (while :; do runuser -u $user -- $command_line; sleep 2; done) >>/var/log/edgefleet-agent.log 2>&1 &"
fi
