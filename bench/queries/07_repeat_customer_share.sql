-- Repeat-customer share: of the customers who ordered, how many ordered more
-- than once, and the share of revenue they brought.
WITH per_customer AS (
  SELECT customer_id, count(*) AS orders, sum(total) AS revenue
  FROM orders
  GROUP BY customer_id
)
SELECT count(*) AS customers,
       sum(CASE WHEN orders > 1 THEN 1 ELSE 0 END) AS repeat_customers,
       round(100.0 * sum(CASE WHEN orders > 1 THEN 1 ELSE 0 END) / count(*), 2) AS repeat_pct,
       round(100.0 * sum(CASE WHEN orders > 1 THEN revenue ELSE 0 END) / sum(revenue), 2) AS repeat_revenue_pct
FROM per_customer
