#!/usr/bin/env bash
# Stops what start.sh started: each daemon by the pid it recorded, nothing found by name.
# STACK_DIR as for start.sh. KEEP_STATE=1 leaves the state directory (logs, keys) in place.
set -uo pipefail
STACK_DIR=${STACK_DIR:-/var/tmp/thruk-real-stack}
KEEP_STATE=${KEEP_STATE:-0}

[ -f "$STACK_DIR/.real-stack" ] || { echo "real-stack: nothing to stop in $STACK_DIR" >&2; exit 0; }

stop_pid() { # name pidfile
  local pid i
  [ -s "$2" ] || { echo "real-stack: $1: no pid file" >&2; return 0; }
  pid=$(tr -dc '0-9' < "$2")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || { echo "real-stack: $1 was not running" >&2; return 0; }
  kill -TERM "$pid"
  for i in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || { echo "real-stack: $1 stopped" >&2; return 0; }; sleep 1; done
  echo "real-stack: $1 (pid $pid) ignored TERM for 30 s; sending KILL" >&2
  kill -KILL "$pid" 2>/dev/null
}

stop_pid thruk "$STACK_DIR/thruk/server.pid"
stop_pid naemon "$STACK_DIR/naemon/var/naemon.pid"
stop_pid icinga2 "$STACK_DIR/icinga2/run/icinga2.pid"

if [ "$KEEP_STATE" != 1 ]; then
  rm -rf "$STACK_DIR"
  echo "real-stack: removed $STACK_DIR" >&2
fi
