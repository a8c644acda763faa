-- Busiest hour of the day (store time) of each brand, by units sold, with its share of the brand's units.
WITH hourly AS (
  SELECT brand, extract(hour FROM purchased_at) AS hour, sum(quantity) AS units
  FROM order_items
  GROUP BY brand, extract(hour FROM purchased_at)
), ranked AS (
  SELECT brand, hour, units,
         sum(units) OVER (PARTITION BY brand) AS brand_units,
         row_number() OVER (PARTITION BY brand ORDER BY units DESC, hour) AS rn
  FROM hourly
)
SELECT brand, hour, units, round(100.0 * units / brand_units, 2) AS pct_of_brand
FROM ranked
WHERE rn = 1
ORDER BY units DESC, brand
