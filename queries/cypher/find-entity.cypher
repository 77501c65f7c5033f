// title: Find an entity by any alias
// question: Which methods, datasets, tasks, metrics or repositories are called this name, alias or long form?
// param name (key): SAM — the name, alias or long form to look up (matched on its name key: case, spaces and hyphens ignored)
// param limit: 50 — how many rows to return
// columns: id, type, entity_name, aliases, papers
MATCH (n:Method|Dataset|Task|Metric|Repository)
WHERE $name IN n.name_keys
RETURN n.id AS id, n.type AS type, n.name AS entity_name, size(coalesce(n.aliases, [])) AS aliases,
       n.paper_count AS papers
ORDER BY papers DESC, id
LIMIT $limit
