-- The three best-selling products (by units) in each category.
SELECT category, product_id, units, revenue
FROM (
  SELECT category, product_id, sum(quantity) AS units, sum(amount) AS revenue,
         row_number() OVER (PARTITION BY category ORDER BY sum(quantity) DESC, product_id) AS rn
  FROM order_items
  GROUP BY category, product_id
) t
WHERE rn <= 3
ORDER BY category, rn
