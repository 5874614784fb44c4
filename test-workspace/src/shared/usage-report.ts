import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { generateReport } from '../analysis/report';
import { parseTraceHeader, parseTraceRecord } from '../contracts/trace-record';

/** Rebuilds one bucket's usage report from the trace written so far, next to the trace file. */
export function refreshUsageReport(tracePath: string | undefined, bucket: string): void {
  if (!tracePath) return;
  const [headerLine, ...lines] = readFileSync(tracePath, 'utf8').split('\n').filter((line) => line.trim() !== '');
  const header = parseTraceHeader(headerLine);
  const records = lines.map((line, index) => parseTraceRecord(line, index + 2));
  const report = generateReport(records, { runId: header.run?.id, bucket });
  writeFileSync(join(dirname(tracePath), `usage-${bucket}.json`), JSON.stringify(report, null, 2) + '\n');
}
