// Upsert a batch of Paper nodes: $rows is a list of maps with the keys of
// kg.export.cypher.schema.NODE_PROPS['Paper'] plus kg_hash. MERGE on the key; properties are
// written only when the content hash differs, so pushing the same graph twice writes nothing.
UNWIND $rows AS row
MERGE (n:Paper {id: row.id})
WITH n, row
WHERE coalesce(n.kg_hash, '') <> row.kg_hash
SET n.type = row.type,
    n.name = row.name,
    n.aliases = row.aliases,
    n.title = row.title,
    n.abstract = row.abstract,
    n.arxiv_id = row.arxiv_id,
    n.url = row.url,
    n.authors = row.authors,
    n.published = row.published,
    n.sources = row.sources,
    n.kg_hash = row.kg_hash
RETURN count(n) AS written
