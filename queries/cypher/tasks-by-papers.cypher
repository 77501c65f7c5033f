// title: Tasks by number of papers
// question: Which tasks do the most papers address?
// param limit: 10 — how many tasks to return
// columns: task_id, task_name, papers

// paper_count is the number of papers that address it (the store's counters), so the query
// reads one count per task instead of counting every paper's relations
MATCH (t:Task)
WHERE t.paper_count > 0
RETURN t.id AS task_id, t.name AS task_name, t.paper_count AS papers
ORDER BY papers DESC, task_id
LIMIT $limit
