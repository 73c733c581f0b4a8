#!/usr/bin/env bash
# Everything `npm test` needs that npm does not install: the Debian packages of the test suite,
# the demo guest and the reference guest (both cached; an unchanged re-run takes about a second).
#
#   bash guests/prepare-tests.sh      (npm test runs it first)
set -euo pipefail
dir=$(dirname "${BASH_SOURCE[0]}")
source "$dir/packages.sh"
ensure_packages test
echo "== demo guest (guests/build.sh)"
bash "$dir/build.sh"
echo "== reference guest (guests/build-reference.sh)"
bash "$dir/build-reference.sh"
