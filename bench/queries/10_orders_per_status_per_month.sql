-- Orders and revenue per status per month.
SELECT date_trunc('month', purchased_at) AS month, status, count(*) AS orders, sum(total) AS revenue
FROM orders
GROUP BY date_trunc('month', purchased_at), status
ORDER BY month, status
