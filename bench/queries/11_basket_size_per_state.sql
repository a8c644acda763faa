-- Average basket per state: lines, units and value per order.
WITH baskets AS (
  SELECT order_id, sum(quantity) AS units
  FROM order_items
  GROUP BY order_id
)
SELECT o.state, count(*) AS orders, round(avg(o.items), 3) AS avg_lines,
       round(avg(b.units), 3) AS avg_units, round(avg(o.total), 2) AS avg_value
FROM orders o
JOIN baskets b ON b.order_id = o.order_id
GROUP BY o.state
ORDER BY o.state
