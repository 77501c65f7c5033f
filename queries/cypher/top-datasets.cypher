// title: Most-used datasets
// question: Which datasets do the most papers evaluate on or introduce?
// param limit: 10 — how many datasets to return
// columns: dataset_id, dataset_name, papers
MATCH (p:Paper)-[:EVALUATES_ON|INTRODUCES]->(d:Dataset)
WITH d, count(DISTINCT p) AS papers
RETURN d.id AS dataset_id, d.name AS dataset_name, papers
ORDER BY papers DESC, dataset_id
LIMIT $limit
