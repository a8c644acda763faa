#!/usr/bin/env bash
# Writes the seed corpus of the SQL fuzzer: the SQL of every case in
# tests/sql/*.test (query, error and unsupported cases alike; format in
# tests/sql/README.md), one file per case, into OUT_DIR (created if needed).
# The corpus is made at run time and not committed.
#
#   tests/fuzz/make_corpus.sh OUT_DIR
set -euo pipefail

if (($# != 1)); then
  echo "usage: $0 OUT_DIR" >&2
  exit 2
fi
out="$1"
tests_dir="$(cd "$(dirname "$0")/../sql" && pwd)"
mkdir -p "$out"

shopt -s nullglob
files=("$tests_dir"/*.test)
if ((${#files[@]} == 0)); then
  echo "make_corpus: no .test files in $tests_dir" >&2
  exit 1
fi

for f in "${files[@]}"; do
  base="$(basename "$f" .test)"
  # A case: a directive line (query/error/unsupported ...), then its SQL up
  # to the next blank line. '#' lines outside SQL are comments.
  awk -v out="$out" -v base="$base" '
    function flush() {
      if (sql != "") {
        file = sprintf("%s/%s-%04d.sql", out, base, start)
        printf "%s", sql > file
        close(file)
        n++
      }
      sql = ""; in_case = 0
    }
    /^[ \t]*$/ { flush(); next }
    !in_case && /^#/ { next }
    !in_case && /^(query|error|unsupported)([ \t]|$)/ { in_case = 1; start = NR; next }
    in_case { sql = sql (sql == "" ? "" : "\n") $0 }
    END { flush(); print n + 0 }
  ' "$f"
done | awk '{ total += $1 } END { print "make_corpus: " total " seeds" }' >&2
