-- Payment-type mix: payments, value and share of value per payment type, and
-- the average number of installments.
SELECT payment_type, count(*) AS payments, sum(value) AS value,
       round(100.0 * sum(value) / sum(sum(value)) OVER (), 2) AS value_pct,
       round(avg(installments), 2) AS avg_installments
FROM payments
GROUP BY payment_type
ORDER BY value DESC, payment_type
