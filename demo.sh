#!/usr/bin/env bash
# The demo: installs what is missing, builds, starts `tillpipe serve` with the
# embedded default config (data in ./tillpipe-data) and feeds it with the
# retail simulator: a 30-day backlog, then live events. Ctrl-C stops both.
#   DEMO_PORT=9090 ./demo.sh    to use another port
set -euo pipefail
cd "$(dirname "$0")"
PORT="${DEMO_PORT:-8080}"
URL="http://127.0.0.1:${PORT}"
packaging/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target tillpipe
BIN=build/release/tillpipe

"$BIN" serve --listen "127.0.0.1:${PORT}" &
SERVER=$!
SIM=
cleanup() {
  trap - EXIT INT TERM
  # The simulator first (it sends what it has buffered), then the server.
  if [[ -n "$SIM" ]]; then kill -TERM "$SIM" 2>/dev/null || true; wait "$SIM" 2>/dev/null || true; fi
  kill -TERM "$SERVER" 2>/dev/null || true
  wait "$SERVER" 2>/dev/null || true
}
trap cleanup EXIT INT TERM

for _ in $(seq 1 300); do
  if curl -fsS "$URL/ready" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$SERVER" 2>/dev/null; then echo "demo: the server did not start (see above)" >&2; exit 1; fi
  sleep 0.1
done

# A second demo run continues the same shop live instead of adding a second
# 30-day history on top of the first.
BACKLOG=30d
WHAT="a 30-day backlog of a busy small shop, then live events"
if compgen -G "tillpipe-data/stream/*.log" >/dev/null && [[ $(du -sb tillpipe-data/stream | cut -f1) -gt 1000000 ]]; then
  BACKLOG=0
  WHAT="live events (./tillpipe-data already holds a backlog; rm -rf tillpipe-data for a fresh one)"
fi

cat <<MSG

  tillpipe is running at $URL (data in ./tillpipe-data)
  The simulator is sending $WHAT.

  Open $URL/ in a browser: the retail starter dashboard fills in as the
  backlog arrives (the Query page runs your own SQL). From another machine:
  ssh -L ${PORT}:127.0.0.1:${PORT} THIS_HOST, then open the same address.

  Or look at:
    curl -s $URL/api/v1/status     # offsets, segments, bytes, ingest rate
    curl -s $URL/api/v1/tables     # the eight retail tables
    curl -s $URL/metrics           # Prometheus metrics
    ls tillpipe-data/stream/       # the durable log's segment files

  Ctrl-C stops the demo.

MSG
"$BIN" simulate --url "$URL" --backlog "$BACKLOG" --rate 120/min &
SIM=$!
wait "$SIM" || true
