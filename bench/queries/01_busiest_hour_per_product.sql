-- Busiest hour of the day (store time) for each product of each brand, by units sold.
WITH hourly AS (
  SELECT brand, product_id, extract(hour FROM purchased_at) AS hour, sum(quantity) AS units
  FROM order_items
  GROUP BY brand, product_id, extract(hour FROM purchased_at)
), ranked AS (
  SELECT brand, product_id, hour, units,
         row_number() OVER (PARTITION BY brand, product_id ORDER BY units DESC, hour) AS rn
  FROM hourly
)
SELECT brand, product_id, hour, units
FROM ranked
WHERE rn = 1
ORDER BY brand, product_id
