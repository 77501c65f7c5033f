// title: Methods evaluated on the same dataset
// question: Which proposed methods are evaluated on the same datasets as a method (or as each other), and on how many?
// param method (key): "" — a method's name, alias or long form (matched on its name key: case, spaces and hyphens ignored); "" for every pair of methods
// param limit: 50 — how many pairs to return
// columns: method_id, method_name, other_id, other_name, shared_datasets
// start from the named method (or every one), then expand: the name is matched once per
// method, not once per pair
MATCH (m:Method)
WHERE $method = '' OR $method IN m.name_keys
MATCH (m)-[:EVALUATED_ON]->(d:Dataset)<-[:EVALUATED_ON]-(o:Method)
WHERE m.id <> o.id AND ($method <> '' OR m.id < o.id)
WITH m, o, count(DISTINCT d) AS shared_datasets
RETURN m.id AS method_id, m.name AS method_name, o.id AS other_id, o.name AS other_name, shared_datasets
ORDER BY shared_datasets DESC, method_id, other_id
LIMIT $limit
