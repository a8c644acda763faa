-- Orders and revenue per store-local day over the last year.
SELECT purchased_at::DATE AS day, count(*) AS orders, sum(total) AS revenue,
       round(avg(total), 2) AS avg_order
FROM orders
WHERE purchased_at >= DATE '2025-11-15' AND purchased_at < DATE '2026-11-15'
GROUP BY purchased_at::DATE
ORDER BY day
