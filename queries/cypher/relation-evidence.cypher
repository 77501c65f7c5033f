// title: Evidence for an entity's relations
// question: Which sentences support the papers' relations to an entity, with what confidence?
// param name (key): LoRA — the entity's name, alias or long form (matched on its name key: case, spaces and hyphens ignored)
// param limit: 100 — how many rows to return
// columns: paper_id, relation, entity_id, confidence, field, start, end, sentence
MATCH (p:Paper)-[r:PROPOSES|USES|INTRODUCES|EVALUATES_ON|ADDRESSES|REPORTS|HAS_CODE]->(e)
WHERE $name IN e.name_keys
// Evidence k (1-based) is item k of each evidence_* list. It is read as list[k - size(list) - 1]:
// negative indexes count from the end in Neo4j, Ladybug and FalkorDB alike, while list[k]
// would be 0-based in Neo4j and 1-based in Ladybug.
UNWIND range(1, size(r.evidence_sentences)) AS k
WITH p, r, e, k, size(r.evidence_sentences) AS n
RETURN DISTINCT p.id AS paper_id,
       CASE r.type WHEN 'PROPOSES' THEN 'proposes' WHEN 'USES' THEN 'uses' WHEN 'INTRODUCES' THEN 'introduces'
                   WHEN 'EVALUATES_ON' THEN 'evaluatesOn' WHEN 'ADDRESSES' THEN 'addresses'
                   WHEN 'REPORTS' THEN 'reports' ELSE 'hasCode' END AS relation,
       e.id AS entity_id, r.confidence AS confidence, r.evidence_fields[k - n - 1] AS field,
       r.evidence_starts[k - n - 1] AS start, r.evidence_ends[k - n - 1] AS `end`,
       r.evidence_sentences[k - n - 1] AS sentence
ORDER BY paper_id, relation, start
LIMIT $limit
