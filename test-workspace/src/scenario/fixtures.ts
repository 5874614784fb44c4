/**
 * Trace files for the tools' own tests, derived from a scenario run:
 * a gzipped copy, a copy with malformed lines, and one whose strings are
 * markup that a viewer must show as text.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { parseTraceHeader, type TraceHeader } from '../contracts/trace-record';
import { TraceWriter } from '../telemetry/emitter';

/** gzip with mtime 0 (Node's default), so the bytes are the same on every run. */
export function writeGzipCopy(tracePath: string, target: string): void {
  writeFileSync(target, gzipSync(readFileSync(tracePath), { level: 9 }));
}

/** Line number (1-based) -> what replaces it, and why it is wrong. */
export const BROKEN_LINES: ReadonlyArray<{ line: number; problem: string; corrupt: (original: string) => string }> = [
  { line: 4, problem: 'not JSON (cut off mid-record)', corrupt: (original) => original.slice(0, 40) },
  { line: 9, problem: 'missing field "operation"', corrupt: (original) => JSON.stringify({ ...JSON.parse(original), operation: undefined }) },
  { line: 15, problem: 'wrong type: "ts" is a string', corrupt: (original) => JSON.stringify({ ...JSON.parse(original), ts: '2025-03-03T09:00:00Z' }) },
  { line: 22, problem: 'unknown kind "metric"', corrupt: (original) => JSON.stringify({ ...JSON.parse(original), kind: 'metric' }) },
  { line: 29, problem: 'a deny without "denyReason"', corrupt: (original) => JSON.stringify({ ...JSON.parse(original), decision: 'deny', denyReason: undefined }) },
];

/** A copy of a valid trace with BROKEN_LINES corrupted; the header and every other line stay valid. */
export function writeBrokenCopy(tracePath: string, target: string): void {
  const [headerLine, ...events] = readFileSync(tracePath, 'utf8').trimEnd().split('\n');
  const header: TraceHeader = { ...parseTraceHeader(headerLine), run: { id: 'broken-copy', labels: { derivedFrom: 'run-1' } } };
  for (const { line, corrupt } of BROKEN_LINES) {
    const index = line - 2;
    if (index >= events.length) throw new Error(`${tracePath} has no line ${line} to corrupt`);
    events[index] = corrupt(events[index]);
  }
  writeFileSync(target, [JSON.stringify(header), ...events].join('\n') + '\n');
}

const PAYLOADS = [
  '<img src=x onerror=alert(1)>',
  '</script><script>alert(2)</script>',
  '"><svg onload=alert(3)>',
  "javascript:alert(4)//' onmouseover='alert(5)",
  '{{constructor.constructor("alert(6)")()}}',
  '<iframe srcdoc="<script>parent.alert(7)</script>">',
];

/** Valid events whose every string field carries markup or script. */
export function writeMaliciousTrace(target: string, startedAt: number): void {
  const writer = new TraceWriter(target, { id: `run-${PAYLOADS[0]}`, startedAt, labels: { note: PAYLOADS[1] } });
  PAYLOADS.forEach((payload, index) => {
    const ts = startedAt + index * 25;
    const traceId = `trace-${index}-${payload}`;
    writer.write({
      kind: 'span',
      ts,
      service: `svc ${payload}`,
      operation: payload,
      traceId,
      spanId: `span-${index}`,
      durationMs: 10 + index,
      status: index % 2 === 0 ? 'ok' : 'error',
      attributes: { [payload]: payload, 'http.target': `/buckets/${payload}` },
    });
    writer.write({
      kind: 'authz',
      ts: ts + 1,
      service: 'depot-gateway',
      principal: payload,
      action: `storage:${payload}`,
      resource: `storage:bucket/${payload}`,
      decision: index % 2 === 0 ? 'allow' : 'deny',
      ...(index % 2 === 0 ? {} : { denyReason: 'explicit' as const }),
      matchedStatements: [payload],
      traceId,
      spanId: `span-${index}`,
    });
  });
}
