// The DuckDB side of the trace benchmark: the same group-by as `planewise
// summarize`'s counts (per principal/action/decision and per service/operation)
// in one scan with read_json. Prints the totals so the runner can cross-check.
import { DuckDBInstance } from '@duckdb/node-api';

const [file, threads] = process.argv.slice(2);
const instance = await DuckDBInstance.create(':memory:', threads === 'default' ? {} : { threads: String(threads) });
const connection = await instance.connect();
const columns = "{kind: 'VARCHAR', service: 'VARCHAR', operation: 'VARCHAR', principal: 'VARCHAR', action: 'VARCHAR', decision: 'VARCHAR'}";
const reader = await connection.runAndReadAll(`
  SELECT kind, principal, action, decision, service, operation, count(*) AS n
  FROM read_json('${file.replace(/'/g, "''")}', format = 'newline_delimited', columns = ${columns})
  WHERE kind IN ('span', 'authz')
  GROUP BY GROUPING SETS ((kind, principal, action, decision), (kind, service, operation))`);
let spans = 0;
let decisions = 0;
for (const [kind, principal, , , service, , n] of reader.getRows()) {
  if (kind === 'authz' && principal !== null) decisions += Number(n);
  if (kind === 'span' && service !== null) spans += Number(n);
}
process.stdout.write(`${JSON.stringify({ spans, decisions })}\n`);
