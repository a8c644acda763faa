-- Average review score by category (a review counts for every line of its
-- order), for orders that were not cancelled, with the share of low scores.
SELECT i.category, round(avg(r.score), 3) AS avg_score, count(*) AS reviewed_lines,
       round(100.0 * sum(CASE WHEN r.score <= 2 THEN 1 ELSE 0 END) / count(*), 2) AS low_score_pct
FROM reviews r
JOIN orders o ON o.order_id = r.order_id
JOIN order_items i ON i.order_id = o.order_id
WHERE o.status <> 'cancelled'
GROUP BY i.category
ORDER BY avg_score DESC, i.category
