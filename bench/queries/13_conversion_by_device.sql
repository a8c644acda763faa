-- Page views to orders conversion by device: sessions, sessions that viewed a
-- product, reached the cart and checked out (placed an order).
WITH sessions AS (
  SELECT session_id, device, count(*) AS views,
         max(CASE WHEN product_id IS NOT NULL THEN 1 ELSE 0 END) AS viewed_product,
         max(CASE WHEN path = '/cart' THEN 1 ELSE 0 END) AS reached_cart,
         max(CASE WHEN path = '/checkout' THEN 1 ELSE 0 END) AS ordered
  FROM page_views
  GROUP BY session_id, device
)
SELECT device, count(*) AS sessions, sum(views) AS page_views,
       sum(viewed_product) AS product_sessions, sum(reached_cart) AS cart_sessions,
       sum(ordered) AS orders,
       round(100.0 * sum(ordered) / count(*), 2) AS conversion_pct,
       round(1.0 * sum(views) / sum(ordered), 1) AS views_per_order
FROM sessions
GROUP BY device
ORDER BY device
