// The embedded default config: what `tillpipe serve` runs without -c, and the
// reference file users copy and edit.
#include "app/config.h"

namespace tp::app {
namespace {

constexpr std::string_view kDefaultConfig =
    R"toml(# tillpipe.toml: the configuration of one tillpipe server.
#
# Every key is optional; the values below are the defaults. Check a file with
#   tillpipe validate -c tillpipe.toml
# Sizes are written like "16MiB" (KiB/MiB/GiB/TiB are powers of 1024,
# KB/MB/GB/TB powers of 1000) or as a plain number of bytes. Durations are
# strings like "250ms", "10s", "5m", "2h", "7d", "1w" or "1h30m".

# Where the log, the tables and the catalog live. A relative path is relative
# to the working directory of the server.
data_dir = "./tillpipe-data"

# The store's time zone (an IANA name like "Europe/Berlin"). Tables are split
# into one partition per store-local day of their time column.
timezone = "UTC"

[http]
# HOST:PORT to serve the API and the admin page on; IPv6 as "[::1]:8080".
# Port 0 picks any free port. Use "0.0.0.0:8080" to listen on every interface.
listen = "127.0.0.1:8080"
# The largest request body accepted (1KiB..1GiB); larger ingest batches get 413.
max_body = "16MiB"

[auth]
# Bearer tokens allowed to ingest (at least 16 characters each, e.g. from
# `openssl rand -hex 24`). Empty: ingest needs no token.
ingest_tokens = []
# The admin page's password (a yescrypt hash), set with `tillpipe passwd`. A
# relative path is under data_dir. Without a password the page is served only
# on a loopback listen address (with a banner saying so).
admin_password_file = "admin.passwd"

[stream]
# When appended events are flushed to disk before they are acknowledged:
# "group" (acknowledge after fsync; concurrent writers share one fsync),
# "interval" (acknowledge after write, fsync every fsync_interval: a power loss
# may lose that much), or "off" (never fsync; a power loss may lose what the
# OS had not written back, ~30 s). A killed or crashed tillpipe loses nothing
# acknowledged in any mode.
fsync = "group"
# How often to fsync when fsync = "interval" (1ms..1h).
fsync_interval = "1s"
# Size of one log segment file (1MiB..16GiB).
segment_size = "128MiB"
# How long raw events are kept in the log (the replayable copy of everything
# ingested); "0" keeps them forever.
retention = "7d"
# Refuse new events (507) while the disk has less free space than this;
# 0 turns the guard off.
min_free = "1GiB"
# How long an Idempotency-Key is remembered, so a retried batch is not
# stored twice (1m..30d).
idempotency_window = "24h"

[storage]
# Decoded rows are buffered and written to Parquet part files (one per table
# and day) when this many rows are waiting, or flush_interval after the last
# write, or at shutdown. Until then they are safe in the log.
flush_rows = 250000
flush_interval = "10s"
# zstd compression level of the Parquet pages (1..19; higher is smaller and slower).
zstd_level = 3
# Every compact_interval a background task merges a day's small part files
# into one (or a few of at most ~512 MB) once the day has compact_min_files
# files, or 2 for days before today. "0" turns compaction off.
compact_interval = "1m"
compact_min_files = 8

[query]
# Memory one SQL query may use for its hash tables, sorts and result. A
# GROUP BY or join that needs more spills to files in DATA_DIR/tmp; a sort
# that needs more stops with an error ("0" = no limit, no spilling).
memory_limit = "256MiB"
# A query running longer than this is stopped ("0" = no limit).
timeout = "60s"

# Tables. Each [tables.NAME] has a time column (a timestamp or date column;
# it picks the day partition) and its columns in order. A column is a type,
# or { type = "...", nullable = true } when it may be missing or null; add
# from = "a.b" to read a field with another name or nested in an object.
# Types: bool, int32, int64, float64, decimal(p,s) (p = 1..18, s = 0..p),
# string, date, timestamp. Names: lowercase letters, digits and _; table
# names starting with _ are reserved for tillpipe (like _rejected).
# A column may have default = VALUE, used when a record lacks the field or
# sends null. A derived column is computed by an SQL expression instead:
#   purchase_hour = { type = "int32", expr = "extract(hour from purchased_at)" }
#
# Per table, optional:
#   on_new_fields = "add_columns"  # a JSON field no column reads becomes a new
#                                  # nullable column of the inferred type;
#                                  # "ignore" drops it, "reject" sends the
#                                  # record to _rejected
#   retention = "400d"             # drop whole days older than this (default:
#                                  # keep everything)
#   where = "total >= 0"           # SQL condition a row must meet to be kept
#   on_filter = "drop"             # filtered rows are counted; "reject" also
#                                  # sends them to _rejected
#
# The tables below are the retail schema the simulator and the dashboards use.

[tables.sellers]
time = "onboarded_at"
[tables.sellers.columns]
seller_id    = "string"
brand        = "string"
city         = "string"
state        = "string"
onboarded_at = "timestamp"

[tables.products]
time = "created_at"
[tables.products.columns]
product_id = "string"
seller_id  = "string"
brand      = "string"
category   = "string"
name       = "string"
price      = "decimal(12,2)"
created_at = "timestamp"

[tables.customers]
time = "signup_at"
[tables.customers.columns]
customer_id = "string"
name        = "string"
city        = "string"
state       = "string"
signup_at   = "timestamp"

[tables.orders]
time = "purchased_at"
[tables.orders.columns]
order_id     = "string"
customer_id  = "string"
status       = "string"    # placed, paid, shipped, delivered, cancelled, returned
city         = "string"
state        = "string"
delivery     = "string"
payment_type = "string"
items        = "int32"
total        = "decimal(12,2)"
purchased_at = "timestamp"
delivered_at = { type = "timestamp", nullable = true }

[tables.order_items]
time = "purchased_at"
[tables.order_items.columns]
order_id     = "string"
item_seq     = "int32"
product_id   = "string"
seller_id    = "string"
brand        = "string"
category     = "string"
quantity     = "int32"
unit_price   = "decimal(12,2)"
amount       = "decimal(12,2)"
city         = "string"
purchased_at = "timestamp"

[tables.payments]
time = "paid_at"
[tables.payments.columns]
order_id     = "string"
payment_seq  = "int32"
payment_type = "string"
installments = "int32"
value        = "decimal(12,2)"
paid_at      = "timestamp"

[tables.reviews]
time = "created_at"
[tables.reviews.columns]
review_id  = "string"
order_id   = "string"
score      = "int32"
comment    = { type = "string", nullable = true }
created_at = "timestamp"

[tables.page_views]
time = "viewed_at"
[tables.page_views.columns]
session_id  = "string"
customer_id = { type = "string", nullable = true }   # null for visitors not signed in
path        = "string"
product_id  = { type = "string", nullable = true }   # null off product pages
referrer    = "string"
device      = "string"
viewed_at   = "timestamp"
)toml";

}  // namespace

std::string_view DefaultConfigText() { return kDefaultConfig; }

}  // namespace tp::app
