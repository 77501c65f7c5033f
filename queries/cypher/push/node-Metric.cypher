// Upsert a batch of Metric nodes: $rows is a list of maps with the keys of
// kg.export.cypher.schema.NODE_PROPS['Metric'] plus kg_hash. MERGE on the key; properties are
// written only when the content hash differs, so pushing the same graph twice writes nothing.
UNWIND $rows AS row
MERGE (n:Metric {id: row.id})
WITH n, row
WHERE coalesce(n.kg_hash, '') <> row.kg_hash
SET n.type = row.type,
    n.name = row.name,
    n.aliases = row.aliases,
    n.name_keys = row.name_keys,
    n.paper_count = row.paper_count,
    n.long_forms = row.long_forms,
    n.ids = row.ids,
    n.kg_hash = row.kg_hash
RETURN count(n) AS written
