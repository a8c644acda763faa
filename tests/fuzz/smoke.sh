#!/usr/bin/env bash
# Bounded fuzzing smoke run of the SQL parser and binder (tests/fuzz/sql_fuzz.cpp),
# run by test.sh in CI: builds the `fuzz` preset's sql_fuzz, seeds a corpus
# from tests/sql/*.test and fuzzes for FUZZ_SECONDS. Exits non-zero on any
# crash, sanitizer report, leak or timeout, and says where the input that
# caused it was saved. Skips (exit 0) only when clang++ is not installed.
#
#   tests/fuzz/smoke.sh [extra libFuzzer flags...]
#
# Environment:
#   FUZZ_SECONDS  how long to fuzz (default 60; 0 skips the run)
#   FUZZ_CORPUS   a directory to keep the grown corpus in across runs
#                 (default: a temporary directory, deleted afterwards)
#   FUZZ_JOBS     parallel build jobs (default: ninja's)
# Reproducing and longer runs: tests/fuzz/README.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$(pwd)"

seconds="${FUZZ_SECONDS:-60}"
if [[ ! $seconds =~ ^[0-9]+$ ]]; then
  echo "fuzz smoke: FUZZ_SECONDS must be a whole number of seconds, not '$seconds'" >&2
  exit 2
fi
if ((seconds == 0)); then
  echo "fuzz smoke: skipped (FUZZ_SECONDS=0)"
  exit 0
fi
if ! command -v clang++ >/dev/null; then
  echo "fuzz smoke: skipped: clang++ is not installed (Debian: apt-get install clang libclang-rt-dev)"
  exit 0
fi

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz --target sql_fuzz ${FUZZ_JOBS:+-j "$FUZZ_JOBS"}
fuzzer="$root/build/fuzz/sql_fuzz"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
seeds="$tmp/seeds"
tests/fuzz/make_corpus.sh "$seeds"
corpus="${FUZZ_CORPUS:-$tmp/corpus}"
mkdir -p "$corpus"

# Crashing inputs are kept in the build tree, outside the temporary directory.
artifacts="$root/build/fuzz/artifacts"
mkdir -p "$artifacts"
marker="$tmp/started"
touch "$marker"

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:detect_stack_use_after_return=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

echo "fuzz smoke: fuzzing the SQL parser and binder for ${seconds}s (seeds: $(ls "$seeds" | wc -l))"
status=0
"$fuzzer" "$corpus" "$seeds" \
  -dict=tests/fuzz/sql.dict \
  -max_total_time="$seconds" \
  -max_len=4096 \
  -timeout=5 \
  -rss_limit_mb=2048 \
  -print_final_stats=1 \
  -artifact_prefix="$artifacts/" \
  "$@" >"$tmp/log" 2>&1 || status=$?

if ((status != 0)); then
  # The report: from its first line (sanitizer, timeout, leak, crash) on.
  first="$(grep -n -m1 -E '==[0-9]+==ERROR|runtime error:|^ALARM:|ERROR: libFuzzer|deadly signal' \
    "$tmp/log" | cut -d: -f1 || true)"
  if [[ -n $first ]]; then
    tail -n "+$first" "$tmp/log" | head -n 200 >&2
  else
    tail -n 60 "$tmp/log" >&2
  fi
  echo >&2
  echo "fuzz smoke: FAILED (sql_fuzz exit status $status)" >&2
  found=0
  while IFS= read -r -d '' f; do
    found=1
    echo "fuzz smoke: failing input saved to $f" >&2
    echo "  reproduce: $fuzzer $f" >&2
  done < <(find "$artifacts" -type f -newer "$marker" -print0)
  if ((found == 0)); then
    echo "fuzz smoke: no input was saved; full log above" >&2
  fi
  exit 1
fi
grep -E '^stat::|^Done' "$tmp/log" || tail -n 5 "$tmp/log"
echo "fuzz smoke: OK, no crash, leak or timeout in ${seconds}s"
