// title: Most-used datasets
// question: Which datasets do the most papers evaluate on or introduce?
// param limit: 10 — how many datasets to return
// columns: dataset_id, dataset_name, papers

// paper_count is the number of papers that evaluate on or introduce it (the store's counters), so the query
// reads one count per dataset instead of counting every paper's relations
MATCH (d:Dataset)
WHERE d.paper_count > 0
RETURN d.id AS dataset_id, d.name AS dataset_name, d.paper_count AS papers
ORDER BY papers DESC, dataset_id
LIMIT $limit
