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

# Dashboards on the admin page. Each panel runs its SQL every `refresh` and
# draws the result: "line" or "bar" (first column on the x axis, the other
# numeric columns as series), "table", or "number" (the first value). Edited
# on the page, a dashboard is saved to the catalog and that copy wins.
[[dashboards]]
name = "retail"
title = "Retail starter"

[[dashboards.panels]]
title = "Orders today"
chart = "number"
refresh = "30s"
sql = "SELECT count(*) AS orders FROM orders WHERE purchased_at >= current_date"

[[dashboards.panels]]
title = "Revenue today"
chart = "number"
refresh = "30s"
sql = "SELECT coalesce(sum(total), 0) AS revenue FROM orders WHERE purchased_at >= current_date AND status <> 'cancelled'"

[[dashboards.panels]]
title = "Orders and revenue per day (last 30 days)"
chart = "line"
refresh = "1m"
sql = """
SELECT purchased_at::DATE AS day, count(*) AS orders, sum(total) AS revenue
FROM orders
WHERE purchased_at >= current_date - INTERVAL '30 days'
GROUP BY purchased_at::DATE
ORDER BY day"""

[[dashboards.panels]]
title = "Previous month: units sold by category"
chart = "bar"
refresh = "10m"
sql = """
SELECT category, sum(quantity) AS units
FROM order_items
WHERE purchased_at >= date_trunc('month', current_date) - INTERVAL '1 month'
  AND purchased_at < date_trunc('month', current_date)
GROUP BY category
ORDER BY units DESC, category"""

[[dashboards.panels]]
title = "Previous month: revenue by city"
chart = "bar"
refresh = "10m"
sql = """
SELECT city, sum(total) AS revenue
FROM orders
WHERE purchased_at >= date_trunc('month', current_date) - INTERVAL '1 month'
  AND purchased_at < date_trunc('month', current_date)
  AND status <> 'cancelled'
GROUP BY city
ORDER BY revenue DESC, city
LIMIT 15"""

[[dashboards.panels]]
title = "Busiest hour of the day per item, by brand (last 30 days)"
chart = "table"
refresh = "10m"
sql = """
WITH hourly AS (
  SELECT brand, product_id, extract(hour FROM purchased_at) AS hour, sum(quantity) AS units
  FROM order_items
  WHERE purchased_at >= current_date - INTERVAL '30 days'
  GROUP BY brand, product_id, extract(hour FROM purchased_at)
), ranked AS (
  SELECT brand, product_id, hour, units,
         row_number() OVER (PARTITION BY brand, product_id ORDER BY units DESC, hour) AS rn
  FROM hourly
)
SELECT brand, product_id, hour AS busiest_hour, units
FROM ranked
WHERE rn = 1
ORDER BY brand, units DESC, product_id"""

[[dashboards.panels]]
title = "Top products by revenue (last 30 days)"
chart = "table"
refresh = "5m"
sql = """
SELECT p.name, p.brand, p.category, sum(i.quantity) AS units, sum(i.amount) AS revenue
FROM order_items i
JOIN products p ON p.product_id = i.product_id
WHERE i.purchased_at >= current_date - INTERVAL '30 days'
GROUP BY p.name, p.brand, p.category
ORDER BY revenue DESC, p.name
LIMIT 10"""

[[dashboards.panels]]
title = "Payment-type mix (last 30 days)"
chart = "bar"
refresh = "5m"
sql = """
SELECT payment_type, count(*) AS payments, sum(value) AS value
FROM payments
WHERE paid_at >= current_date - INTERVAL '30 days'
GROUP BY payment_type
ORDER BY value DESC, payment_type"""

[[dashboards.panels]]
title = "Average review score by category"
chart = "bar"
refresh = "10m"
sql = """
SELECT i.category, round(avg(r.score), 2) AS avg_score
FROM reviews r
JOIN order_items i ON i.order_id = r.order_id
GROUP BY i.category
ORDER BY avg_score DESC, i.category"""
)toml";

}  // namespace

std::string_view DefaultConfigText() { return kDefaultConfig; }

}  // namespace tp::app
