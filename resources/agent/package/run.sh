#!/bin/sh
# Runs the agent of this self-contained build with its own Node runtime, from wherever it was installed:
#   run.sh --data-dir /var/lib/edgefleet-agent [agent options]
# Started as <install>/current/run.sh of a release layout (install.sh --layout releases), it also keeps
# the agent running and is the watchdog of agent upgrades: it restarts the agent when it fails, starts
# the build `current` points at after an upgrade, and switches `current` back to the previous release
# when the new build stops before it confirms itself or does not confirm before the deadline in
# upgrade-trial.json (see resources/agent/src/upgrade-trial.ts for the files).
# A release without its own Node (SSH provisioning onto a host whose Node is new enough) runs on the
# host's: given as --node PATH before the agent's options, else the first node on PATH.
here=$(cd "$(dirname "$0")" && pwd)
install=$(dirname "$here")
host_node=
if [ "${1:-}" = --node ]; then
  host_node=$2
  shift 2
fi

# The node of a build folder: its own runtime, else the host's.
node_of() {
  if [ -x "$1/node/bin/node" ]; then
    printf '%s\n' "$1/node/bin/node"
  elif [ -n "$host_node" ]; then
    printf '%s\n' "$host_node"
  else
    command -v node
  fi
}

if [ "$(basename "$here")" != current ] || [ ! -d "$install/releases" ]; then
  exec "$(node_of "$here")" "$here/agent.js" "$@"
fi

marker=$install/upgrade-trial.json
started=$install/upgrade-trial.started
pid=
trap '[ -z "$pid" ] || kill -TERM "$pid" 2>/dev/null; [ -z "$pid" ] || wait "$pid"; exit 143' TERM INT

# A value of the marker's one JSON line (the agent writes it with these keys, without spaces).
field() {
  sed -n "s/.*\"$1\":\"\{0,1\}\([^\",}]*\).*/\1/p" "$marker"
}

revert() {
  from=$(field from)
  from_version=$(field fromVersion)
  to_version=$(field toVersion)
  [ -n "$from" ] && [ -d "$install/releases/$from" ] || from=$(readlink "$install/previous" | sed 's|^releases/||')
  # rename(2) of a new symlink over the old one, with the restored build's node (`mv -T` is not POSIX:
  # older BusyBox and toybox builds lack it).
  ln -sfn "releases/$from" "$install/current.new" &&
    "$(node_of "$install/releases/$from")" -e 'require("fs").renameSync(process.argv[1], process.argv[2])' "$install/current.new" "$install/current"
  printf '{"outcome":"reverted","from":"%s","to":"%s","reason":"%s","at":"%s"}\n' "$from_version" "$to_version" "$1" \
    "$(date -u +%Y-%m-%dT%H:%M:%S.000Z)" >"$install/upgrade-result.json.new" && mv "$install/upgrade-result.json.new" "$install/upgrade-result.json"
  rm -f "$marker" "$started"
  echo "run.sh: upgrade to $to_version reverted: $1" >&2
}

start() {
  "$(node_of "$install/current")" "$install/current/agent.js" "$@" &
  pid=$!
}

while :; do
  if [ -f "$marker" ]; then
    if [ -f "$started" ]; then
      revert "the new build stopped (exit code ${code:-unknown}) before it confirmed itself"
      continue
    fi
    : >"$started"
    deadline=$(field deadline)
    start "$@"
    # The new build confirms itself by removing the marker; until then it is watched.
    while [ -f "$marker" ] && kill -0 "$pid" 2>/dev/null; do
      if [ "$(date +%s)" -ge "${deadline:-0}" ]; then
        kill -KILL "$pid" 2>/dev/null
        wait "$pid"
        revert "the new build did not confirm itself before its deadline"
        break
      fi
      sleep 1
    done
  else
    start "$@"
  fi
  wait "$pid"
  code=$?
  pid=
  # A marker now: an upgrade switched `current` (the old build exits 0), or the trial build stopped.
  [ -f "$marker" ] && continue
  [ "$code" -eq 0 ] && exit 0
  sleep 2
done
