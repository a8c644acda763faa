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
  chromium
  dpkg-dev apt-utils lintian
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

# Test-only packages from npm, pinned by each folder's package-lock.json:
# tests/interop (DuckDB reads the Parquet files tillpipe writes and answers
# the same SQL) and tests/browser (playwright-core drives Debian's chromium;
# it downloads no browser).
here="$(cd "$(dirname "$0")/.." && pwd)"
for dir in "$here/tests/interop" "$here/tests/browser"; do
  stamp="$dir/node_modules/.tillpipe-lock"
  if ! cmp -s "$dir/package-lock.json" "$stamp" 2>/dev/null; then
    echo "install-deps: installing test packages from npm (${dir#$here/})" >&2
    # npm ci insists on lock entries for every platform's optional native
    # package; npm install honours the lock for what this platform needs.
    (cd "$dir" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
    cp "$dir/package-lock.json" "$stamp"
  fi
done
