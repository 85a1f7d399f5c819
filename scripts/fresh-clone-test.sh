#!/usr/bin/env bash
# A newcomer's first run, reproduced: clone this repository (its committed HEAD) into a fresh
# folder, hide nginx from PATH (a machine with only Node, npm and git), and run the README's test
# command, `npm ci && npm test`, which must end green with the nginx suite skipped and saying so.
#
#   scripts/fresh-clone-test.sh                 # uses the npm cache you have
#   scripts/fresh-clone-test.sh --fresh-cache   # an empty npm cache: measures the first-run download
#   scripts/fresh-clone-test.sh --then-system   # afterwards, in the same clone with the full PATH,
#                                               # run the system-binary suites with THRUK_MCP_REQUIRE_SYSTEM_TESTS=1
#
# .ci/run uses it with --then-system: one full run of the suite (the newcomer's), plus the nginx
# suite on its own, instead of two full runs (CI has 15 minutes). KEEP=1 keeps the folder.
set -euo pipefail
src="$(cd "$(dirname "$0")/.." && pwd)"
fresh_cache=0 then_system=0
for a in "$@"; do
  case "$a" in
    --fresh-cache) fresh_cache=1 ;;
    --then-system) then_system=1 ;;
    *) echo "usage: $0 [--fresh-cache] [--then-system]" >&2; exit 2 ;;
  esac
done
work="$(mktemp -d "${TMPDIR:-/tmp}/thruk-mcp-fresh-XXXXXX")"
trap '[ -n "${KEEP:-}" ] && echo "kept $work" >&2 || rm -rf "$work"' EXIT
git clone --quiet --no-hardlinks "$src" "$work/thruk-mcp"

# PATH without every directory that holds an nginx; node, npm and git must stay reachable.
hidden=() newpath=""
IFS=: read -ra dirs <<<"$PATH"
for d in "${dirs[@]}"; do
  [ -n "$d" ] || continue
  if [ -x "$d/nginx" ]; then hidden+=("$d"); continue; fi
  newpath="${newpath:+$newpath:}$d"
done
for tool in node npm git; do
  PATH="$newpath" command -v "$tool" >/dev/null || { echo "fresh-clone-test: hiding nginx also hid $tool (${hidden[*]})" >&2; exit 2; }
done
if PATH="$newpath" command -v nginx >/dev/null; then echo "fresh-clone-test: nginx still on PATH" >&2; exit 2; fi
echo "fresh-clone-test: $work/thruk-mcp at $(git -C "$work/thruk-mcp" rev-parse --short HEAD); nginx hidden${hidden:+ (dropped ${hidden[*]} from PATH)}" >&2

cache_env=()
if [ "$fresh_cache" = 1 ]; then mkdir "$work/npm-cache"; cache_env=(npm_config_cache="$work/npm-cache"); fi
cd "$work/thruk-mcp"
start=$(date +%s)
set +e
env -u THRUK_MCP_REQUIRE_SYSTEM_TESTS -u THRUK_MCP_SKIP_E2E "${cache_env[@]}" PATH="$newpath" bash -c 'npm ci --no-audit --no-fund && npm test' 2>&1 | tee "$work/test.log"
rc=${PIPESTATUS[0]}
set -e
secs=$(( $(date +%s) - start ))
echo "fresh-clone-test: npm ci && npm test exited $rc after ${secs}s" >&2
if [ "$fresh_cache" = 1 ]; then
  echo "fresh-clone-test: first-run download (npm cache, incl. the e2e tools): $(du -sh "$work/npm-cache" | cut -f1)" >&2
fi
[ "$rc" = 0 ] || exit "$rc"
# Not installed (a newcomer's machine) or installed but hidden from PATH (CI): either way a skip that names the fix.
grep -Eq '^# SKIPPED test/nginx.test.ts › .*nginx is (not installed|at .* but not on PATH)' "$work/test.log" || { echo "fresh-clone-test: the nginx suite did not announce its skip" >&2; exit 1; }

if [ "$then_system" = 1 ]; then
  THRUK_MCP_REQUIRE_SYSTEM_TESTS=1 npm run --silent test:system
fi
