// title: Tasks by number of papers
// question: Which tasks do the most papers address?
// param limit: 10 — how many tasks to return
// columns: task_id, task_name, papers
MATCH (p:Paper)-[:ADDRESSES]->(t:Task)
WITH t, count(DISTINCT p) AS papers
RETURN t.id AS task_id, t.name AS task_name, papers
ORDER BY papers DESC, task_id
LIMIT $limit
