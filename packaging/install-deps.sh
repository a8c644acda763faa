#!/usr/bin/env bash
# Installs every build and test dependency of tillpipe from Debian 12 packages.
# Idempotent: does nothing (and prints nothing) when all are present.
set -euo pipefail

PKGS=(
  build-essential cmake ninja-build ccache pkg-config
  libsqlite3-dev libzstd-dev libboost-dev libsystemd-dev libtomlplusplus-dev
  libsimdjson-dev libcli11-dev libhowardhinnant-date-dev libarchive-dev
  libcrypt-dev libxxhash-dev nlohmann-json3-dev libjs-chart.js
  libgtest-dev libgmock-dev libbenchmark-dev
  clang libclang-rt-dev
  curl nodejs npm
)

missing=()
for p in "${PKGS[@]}"; do
  # Node may come from another packaging of nodejs (which bundles npm).
  if [[ $p == npm || $p == nodejs ]] && command -v node >/dev/null && command -v npm >/dev/null; then
    continue
  fi
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    SUDO=sudo
  else
    SUDO=
  fi
  echo "install-deps: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq >/dev/null
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Test-only peers from npm, pinned by tests/interop/package-lock.json: DuckDB
# reads the Parquet files tillpipe writes and answers the same SQL.
here="$(cd "$(dirname "$0")/.." && pwd)"
interop="$here/tests/interop"
stamp="$interop/node_modules/.tillpipe-lock"
if ! cmp -s "$interop/package-lock.json" "$stamp" 2>/dev/null; then
  echo "install-deps: installing the test peers from npm (tests/interop)" >&2
  # npm ci insists on lock entries for every platform's optional native
  # package; npm install honours the lock for what this platform needs.
  (cd "$interop" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
  cp "$interop/package-lock.json" "$stamp"
fi
