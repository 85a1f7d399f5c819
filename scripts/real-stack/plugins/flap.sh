#!/bin/sh
# A deterministic flapping check: OK and CRITICAL on alternate runs, so the core's flap
# detection sees a state change on every check. $1 is the file that remembers the last state.
f="$1"
if [ -f "$f" ] && [ "$(cat "$f")" = 0 ]; then
  echo 2 > "$f"; echo "CRITICAL - flapping on purpose"; exit 2
fi
echo 0 > "$f"; echo "OK - flapping on purpose"; exit 0
