// The DuckDB side of the trace benchmark, one scan with read_json:
//   summary: the counts `planewise summarize` makes (per principal/action/
//            decision and per service/operation); prints the span and decision
//            totals so the runner can cross-check them.
//   policy:  the tallies `planewise policy` starts from (per principal/action/
//            resource: allowed, explicitly and implicitly denied); prints the
//            decision total and the number of distinct triples.
//   node bench/trace/duckdb-groupby.mjs FILE THREADS(1|default) [summary|policy]
import { DuckDBInstance } from '@duckdb/node-api';

const [file, threads, job = 'summary'] = process.argv.slice(2);
const instance = await DuckDBInstance.create(':memory:', threads === 'default' ? {} : { threads: String(threads) });
const connection = await instance.connect();
const source = (columns) => `read_json('${file.replace(/'/g, "''")}', format = 'newline_delimited', columns = ${columns})`;

if (job === 'policy') {
  const reader = await connection.runAndReadAll(`
    SELECT principal, action, resource,
      count(*) FILTER (WHERE decision = 'allow') AS allowed,
      count(*) FILTER (WHERE decision = 'deny' AND denyReason = 'explicit') AS explicit_deny,
      count(*) FILTER (WHERE decision = 'deny' AND denyReason IS DISTINCT FROM 'explicit') AS implicit_deny
    FROM ${source("{kind: 'VARCHAR', principal: 'VARCHAR', action: 'VARCHAR', resource: 'VARCHAR', decision: 'VARCHAR', denyReason: 'VARCHAR'}")}
    WHERE kind = 'authz'
    GROUP BY principal, action, resource`);
  let decisions = 0;
  const rows = reader.getRows();
  for (const [, , , allowed, explicit, implicit] of rows) decisions += Number(allowed) + Number(explicit) + Number(implicit);
  process.stdout.write(`${JSON.stringify({ decisions, triples: rows.length })}\n`);
} else {
  const reader = await connection.runAndReadAll(`
    SELECT kind, principal, action, decision, service, operation, count(*) AS n
    FROM ${source("{kind: 'VARCHAR', service: 'VARCHAR', operation: 'VARCHAR', principal: 'VARCHAR', action: 'VARCHAR', decision: 'VARCHAR'}")}
    WHERE kind IN ('span', 'authz')
    GROUP BY GROUPING SETS ((kind, principal, action, decision), (kind, service, operation))`);
  let spans = 0;
  let decisions = 0;
  for (const [kind, principal, , , service, , n] of reader.getRows()) {
    if (kind === 'authz' && principal !== null) decisions += Number(n);
    if (kind === 'span' && service !== null) spans += Number(n);
  }
  process.stdout.write(`${JSON.stringify({ spans, decisions })}\n`);
}
