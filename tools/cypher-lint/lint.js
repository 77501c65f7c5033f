#!/usr/bin/env node
// Lint Cypher with Neo4j's own parser and semantic analysis (@neo4j-cypher/language-support).
//
// stdin:  {"schema": {"labels": [...], "relationshipTypes": [...], "propertyKeys": [...]},
//          "queries": [{"name": "...", "text": "...", "parameters": {"rows": []}, "console": false}]}
// stdout: [{"name": "...", "diagnostics": [{"severity": "error"|"warning"|..., "message": "...",
//           "line": 1, "column": 1, "offset": 0}]}]   (line and column are 1-based)
//
// The function and procedure catalogue is the package's snapshot of Neo4j's built-ins
// (testData.mockSchema), so a function Neo4j lacks (say `label(e)`) is reported.
// Exit status: 0 when the input was read (whatever the diagnostics), 2 on bad input.
'use strict';

const { lintCypherQuery, testData } = require('@neo4j-cypher/language-support');

const SEVERITY = { 1: 'error', 2: 'warning', 3: 'information', 4: 'hint' };

function lint(input) {
  const base = input.schema || {};
  const schemas = new Map(); // one schema object per parameter set: the linter caches by schema
  const schemaFor = (parameters) => {
    const key = JSON.stringify(parameters);
    if (!schemas.has(key)) {
      schemas.set(key, {
        functions: testData.mockSchema.functions,
        procedures: testData.mockSchema.procedures,
        labels: base.labels || [],
        relationshipTypes: base.relationshipTypes || [],
        propertyKeys: base.propertyKeys || [],
        parameters,
      });
    }
    return schemas.get(key);
  };
  return (input.queries || []).map((query) => {
    const schema = schemaFor(query.parameters || {});
    const { diagnostics } = lintCypherQuery(query.text, schema, {
      consoleCommandsEnabled: Boolean(query.console),
    });
    return {
      name: query.name,
      diagnostics: diagnostics.map((d) => ({
        severity: SEVERITY[d.severity] || String(d.severity),
        message: d.message,
        line: d.range.start.line + 1,
        column: d.range.start.character + 1,
        offset: d.offsets ? d.offsets.start : null,
      })),
    };
  });
}

let data = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { data += chunk; });
process.stdin.on('end', () => {
  let input;
  try {
    input = JSON.parse(data);
  } catch (err) {
    process.stderr.write(`cypher-lint: stdin is not JSON: ${err.message}\n`);
    process.exit(2);
  }
  process.stdout.write(JSON.stringify(lint(input)) + '\n');
});
