#!/usr/bin/env bash
# Installs what is missing (Debian packages), builds, and runs every test
# through ctest. `.ci/run` runs exactly this.
set -euo pipefail
cd "$(dirname "$0")"
packaging/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release
ctest --preset release "$@"
# A bounded libFuzzer run of the SQL parser and binder (60 s; FUZZ_SECONDS
# changes it, 0 skips it; skipped without clang++). tests/fuzz/README.md.
tests/fuzz/smoke.sh
