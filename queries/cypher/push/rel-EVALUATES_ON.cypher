// Upsert a batch of (Paper)-[:EVALUATES_ON]->(Dataset) relationships: $rows is a list of maps
// {start, end, <the level's kg.export.cypher.schema.rel_props()>, kg_hash}; both nodes must exist. MERGE on the
// pair (one relationship per type between two nodes); properties are written only when
// the content hash differs.
UNWIND $rows AS row
MATCH (a:Paper {id: row.start})
MATCH (b:Dataset {id: row.end})
MERGE (a)-[r:EVALUATES_ON]->(b)
WITH r, row
WHERE coalesce(r.kg_hash, '') <> row.kg_hash
SET r.type = row.type,
    r.role = row.role,
    r.confidence = row.confidence,
    r.extractors = row.extractors,
    r.support = row.support,
    r.evidence_papers = row.evidence_papers,
    r.evidence_fields = row.evidence_fields,
    r.evidence_starts = row.evidence_starts,
    r.evidence_ends = row.evidence_ends,
    r.evidence_sentences = row.evidence_sentences,
    r.evidence_ref = row.evidence_ref,
    r.kg_hash = row.kg_hash
RETURN count(r) AS written
