#!/bin/sh
# Runs the agent of this self-contained build with its own Node runtime, from wherever it was installed:
#   run.sh --data-dir /var/lib/edgefleet-agent [agent options]
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/node/bin/node" "$here/agent.js" "$@"
