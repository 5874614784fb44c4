// The DuckDB side of the trace benchmark, one scan with read_json:
//   summary: what `planewise summarize` computes: per service/operation the
//            count, the errors and approx_quantile latency p50/p95/p99; per
//            principal/action/decision/denyReason the count; prints the span
//            and decision totals so the runner can cross-check them.
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
  const columns = "{kind: 'VARCHAR', service: 'VARCHAR', operation: 'VARCHAR', durationMs: 'DOUBLE', status: 'VARCHAR', principal: 'VARCHAR', action: 'VARCHAR', decision: 'VARCHAR', denyReason: 'VARCHAR'}";
  const reader = await connection.runAndReadAll(`
    WITH events AS (SELECT * FROM ${source(columns)} WHERE kind IN ('span', 'authz'))
    SELECT 'span' AS kind, service, operation, NULL AS principal, NULL AS action, NULL AS decision, NULL AS denyReason, count(*) AS n,
      count(*) FILTER (WHERE status = 'error') AS errors, approx_quantile(durationMs, [0.5, 0.95, 0.99]) AS latency
    FROM events WHERE kind = 'span' GROUP BY service, operation
    UNION ALL
    SELECT 'authz', NULL, NULL, principal, action, decision, denyReason, count(*), NULL, NULL
    FROM events WHERE kind = 'authz' GROUP BY principal, action, decision, denyReason`);
  let spans = 0;
  let decisions = 0;
  for (const [kind, , , , , , , n] of reader.getRows()) {
    if (kind === 'authz') decisions += Number(n);
    if (kind === 'span') spans += Number(n);
  }
  process.stdout.write(`${JSON.stringify({ spans, decisions })}\n`);
}
