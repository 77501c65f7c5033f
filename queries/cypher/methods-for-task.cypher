// title: Methods proposed for a task
// question: Which methods were proposed by papers addressing a task, and by how many papers?
// param task (key): domain generalization — the task's name, alias or long form (matched on its name key: case, spaces and hyphens ignored)
// param limit: 50 — how many methods to return
// columns: task_id, method_id, method_name, papers
MATCH (t:Task)
WHERE $task IN t.name_keys
MATCH (m:Method)-[:APPLIED_TO]->(t)<-[:ADDRESSES]-(p:Paper)-[:PROPOSES]->(m)
WITH t, m, count(DISTINCT p) AS papers
RETURN t.id AS task_id, m.id AS method_id, m.name AS method_name, papers
ORDER BY papers DESC, method_id
LIMIT $limit
