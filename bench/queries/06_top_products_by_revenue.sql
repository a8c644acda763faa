-- Top 20 products by revenue, with their names.
SELECT p.product_id, p.name, p.brand, p.category,
       sum(i.quantity) AS units, sum(i.amount) AS revenue
FROM order_items i
JOIN products p ON p.product_id = i.product_id
GROUP BY p.product_id, p.name, p.brand, p.category
ORDER BY revenue DESC, p.product_id
LIMIT 20
