// title: Datasets used together
// question: Which datasets are evaluated on (or introduced) by the same papers as a dataset (or as each other), and by how many papers?
// param dataset (key): "" — a dataset's name, alias or long form (matched on its name key: case, spaces and hyphens ignored); "" for every pair of datasets
// param limit: 20 — how many pairs to return
// columns: dataset_id, dataset_name, other_id, other_name, papers
// start from the named dataset (or every one), then expand: the name is matched once per
// dataset, not once per pair
MATCH (d:Dataset)
WHERE $dataset = '' OR $dataset IN d.name_keys
MATCH (d)<-[:EVALUATES_ON|INTRODUCES]-(p:Paper)-[:EVALUATES_ON|INTRODUCES]->(o:Dataset)
WHERE d.id <> o.id AND ($dataset <> '' OR d.id < o.id)
WITH d, o, count(DISTINCT p) AS papers
RETURN d.id AS dataset_id, d.name AS dataset_name, o.id AS other_id, o.name AS other_name, papers
ORDER BY papers DESC, dataset_id, other_id
LIMIT $limit
