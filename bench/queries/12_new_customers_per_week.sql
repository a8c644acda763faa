-- New customers per week (weeks start on Monday): customers whose first order
-- falls in the week, and what those first orders were worth.
WITH firsts AS (
  SELECT customer_id, min(purchased_at) AS first_order
  FROM orders
  GROUP BY customer_id
)
SELECT date_trunc('week', f.first_order) AS week, count(*) AS new_customers,
       sum(o.total) AS first_orders_value
FROM firsts f
JOIN orders o ON o.customer_id = f.customer_id AND o.purchased_at = f.first_order
GROUP BY date_trunc('week', f.first_order)
ORDER BY week
