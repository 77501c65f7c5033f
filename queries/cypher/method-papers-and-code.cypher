// title: A method's papers and repositories
// question: Which papers propose or use a method, and which code repositories do they link to?
// param method (key): CLIP — the method's name, alias or long form (matched on its name key: case, spaces and hyphens ignored)
// param limit: 100 — how many rows to return
// columns: method_id, relation, paper_id, title, repository
MATCH (m:Method)
WHERE $method IN m.name_keys
MATCH (p:Paper)-[r:PROPOSES|USES]->(m)
OPTIONAL MATCH (p)-[:HAS_CODE]->(repo:Repository)
// the relation as named in the ontology (r.type holds the relationship type in every dialect)
RETURN DISTINCT m.id AS method_id, CASE r.type WHEN 'PROPOSES' THEN 'proposes' ELSE 'uses' END AS relation,
       p.id AS paper_id, p.title AS title, repo.url AS repository
ORDER BY method_id, relation, paper_id, repository
LIMIT $limit
