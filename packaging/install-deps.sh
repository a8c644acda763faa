#!/usr/bin/env bash
# Installs every build and test dependency of tillpipe from Debian 12 packages.
# Idempotent: does nothing (and prints nothing) when all are present.
set -euo pipefail

PKGS=(
  build-essential cmake ninja-build ccache pkg-config
  libsqlite3-dev libzstd-dev libboost-dev libsystemd-dev libtomlplusplus-dev
  libsimdjson-dev libcli11-dev libhowardhinnant-date-dev libarchive-dev
  libcrypt-dev libxxhash-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  curl
)

missing=()
for p in "${PKGS[@]}"; do
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
