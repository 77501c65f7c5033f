// title: Most-used methods
// question: Which methods do the most papers propose or use?
// param limit: 10 — how many methods to return
// columns: method_id, method_name, papers
MATCH (p:Paper)-[:PROPOSES|USES]->(m:Method)
WITH m, count(DISTINCT p) AS papers
RETURN m.id AS method_id, m.name AS method_name, papers
ORDER BY papers DESC, method_id
LIMIT $limit
