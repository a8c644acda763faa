-- Query 03 written relative to the data instead of fixed dates: the month
-- before the month of the newest order line.
WITH bounds AS (
  SELECT date_trunc('month', max(purchased_at)) AS this_month FROM order_items
)
SELECT i.category, sum(i.quantity) AS units, sum(i.amount) AS revenue
FROM order_items i
CROSS JOIN bounds b
WHERE i.purchased_at >= b.this_month - INTERVAL '1 month' AND i.purchased_at < b.this_month
GROUP BY i.category
ORDER BY units DESC, i.category
