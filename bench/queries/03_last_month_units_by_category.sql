-- Last month's unit sales by category. The data ends 2026-11-15 (the bench's
-- default --end), so last month is October 2026.
SELECT category, sum(quantity) AS units, sum(amount) AS revenue
FROM order_items
WHERE purchased_at >= DATE '2026-10-01' AND purchased_at < DATE '2026-11-01'
GROUP BY category
ORDER BY units DESC, category
