// title: Papers with code evaluated on a dataset
// question: Which papers that link to a code repository evaluate on (or introduce) a dataset?
// param dataset (key): MMLU — the dataset's name, alias or long form (matched on its name key: case, spaces and hyphens ignored)
// param limit: 100 — how many rows to return
// columns: dataset_id, paper_id, title, repository
MATCH (d:Dataset)
WHERE $dataset IN d.name_keys
MATCH (d)<-[:EVALUATES_ON|INTRODUCES]-(p:Paper)-[:HAS_CODE]->(r:Repository)
RETURN DISTINCT d.id AS dataset_id, p.id AS paper_id, p.title AS title, r.url AS repository
ORDER BY dataset_id, paper_id, repository
LIMIT $limit
