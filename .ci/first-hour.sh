#!/usr/bin/env bash
# The first hour of a new user, automated: a fresh clone, an empty home directory, and exactly the
# README's two commands — `npm install && npm run demo` (driven to the guest shell and out again by
# drive-demo.mjs), then `npm test`. Prints how long each took and the disk it used.
#
#   bash .ci/first-hour.sh [REPO]        (default: this checkout; KEEP=1 keeps the work directory)
set -euo pipefail
repo=$(cd "${1:-$(dirname "$0")/..}" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/tsvisor-first-hour.XXXXXX")
chmod 755 "$work" # some tests run the CLI as another user (socket and file-permission tests)
[ -n "${KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
export HOME=$work/home
mkdir -p "$HOME"
git clone -q "$repo" "$work/tsvisor"
# The seed guests live beside the repository (../shared/guests/seed), as on the developers' machines.
[ -d "$repo/../shared" ] && ln -s "$(cd "$repo/../shared" && pwd)" "$work/shared"
cd "$work/tsvisor"

t() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }
T0=$SECONDS
echo "== [first hour] npm install"
npm install --no-audit --no-fund
T1=$SECONDS
echo "== [first hour] npm run demo (driven: one command in the guest shell, then exit)"
node .ci/drive-demo.mjs
T2=$SECONDS
echo "== [first hour] npm test"
npm test
T3=$SECONDS
echo "== [first hour] passed: npm install $(t $((T1 - T0))), npm run demo $(t $((T2 - T1))), npm test $(t $((T3 - T2)))"
echo "== [first hour] disk: $(du -sh "$HOME/.cache/tsvisor" | cut -f1) guest cache (~/.cache/tsvisor), $(du -sh node_modules | cut -f1) node_modules, $(du -sh "$HOME/.npm" 2>/dev/null | cut -f1) npm cache"
