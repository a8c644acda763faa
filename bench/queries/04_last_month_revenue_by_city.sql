-- Last month's (October 2026) revenue by city, cancelled orders left out.
SELECT city, state, count(*) AS orders, sum(total) AS revenue, round(avg(total), 2) AS avg_order
FROM orders
WHERE purchased_at >= DATE '2026-10-01' AND purchased_at < DATE '2026-11-01'
  AND status <> 'cancelled'
GROUP BY city, state
ORDER BY revenue DESC, city, state
