// title: Most-used methods
// question: Which methods do the most papers propose or use?
// param limit: 10 — how many methods to return
// columns: method_id, method_name, papers

// paper_count is the number of papers that propose or use it (the store's counters), so the query
// reads one count per method instead of counting every paper's relations
MATCH (m:Method)
WHERE m.paper_count > 0
RETURN m.id AS method_id, m.name AS method_name, m.paper_count AS papers
ORDER BY papers DESC, method_id
LIMIT $limit
