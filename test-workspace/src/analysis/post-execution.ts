/**
 * Runs the analyses over trace files after the service has stopped:
 *   node --import tsx src/analysis/post-execution.ts [--out reports] [--live] traces/run-1.trace.jsonl ...
 * Writes <name>.report.md, <name>.policy.json and <name>.anomalies.json per trace.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { summarizeAnomalies } from './anomalies';
import { fetchLiveCounters } from './live-status';
import { suggestPolicies } from './policy-suggester';
import { generateReport, renderReportMarkdown } from './report';
import { readTraceFile } from './trace-reader';

export interface PostExecutionOptions {
  outDir: string;
  /** Also compare each trace with the counters of a running service. */
  compareWithLive: boolean;
}

export interface PostExecutionResult {
  trace: string;
  outputs: string[];
  skippedLines: number;
}

export async function runPostExecution(tracePaths: readonly string[], options: PostExecutionOptions): Promise<PostExecutionResult[]> {
  mkdirSync(options.outDir, { recursive: true });
  const results: PostExecutionResult[] = [];
  for (const tracePath of tracePaths) {
    const trace = readTraceFile(tracePath);
    const name = basename(tracePath).replace(/\.trace\.jsonl(\.gz)?$/, '');
    const outputs = {
      [`${name}.report.md`]: renderReportMarkdown(generateReport(trace.records, { runId: trace.header.run?.id })),
      [`${name}.policy.json`]: JSON.stringify(suggestPolicies(trace.records), null, 2) + '\n',
      [`${name}.anomalies.json`]: JSON.stringify(summarizeAnomalies(trace.records), null, 2) + '\n',
    };
    if (options.compareWithLive) outputs[`${name}.live.json`] = JSON.stringify(await fetchLiveCounters(), null, 2) + '\n';
    for (const [file, text] of Object.entries(outputs)) writeFileSync(join(options.outDir, file), text);
    results.push({ trace: tracePath, outputs: Object.keys(outputs), skippedLines: trace.problems.length });
  }
  return results;
}

async function main(args: string[]): Promise<number> {
  const outIndex = args.indexOf('--out');
  const outDir = outIndex === -1 ? 'reports' : args[outIndex + 1];
  if (!outDir) {
    console.error('--out needs a folder');
    return 2;
  }
  const traces = args.filter((arg, index) => !arg.startsWith('--') && (outIndex === -1 || index !== outIndex + 1));
  if (traces.length === 0) {
    console.error('usage: post-execution [--out DIR] [--live] TRACE.trace.jsonl...');
    return 2;
  }
  for (const result of await runPostExecution(traces, { outDir, compareWithLive: args.includes('--live') })) {
    const skipped = result.skippedLines > 0 ? ` (${result.skippedLines} unreadable lines skipped)` : '';
    console.log(`${result.trace}: ${result.outputs.join(', ')}${skipped}`);
  }
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
