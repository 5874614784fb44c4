/**
 * Starts the service in-process, drives a day of traffic from five principals
 * and writes the trace artifacts under traces/. Deterministic: seeded ids and
 * a simulated clock, so re-running reproduces the same files byte for byte.
 *
 *   node --import tsx test-workspace/src/run-scenario.ts
 */
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import type { ServiceConfig } from './config';
import { DepotClient } from './scenario/client';
import { writeBrokenCopy, writeGzipCopy, writeMaliciousTrace } from './scenario/fixtures';
import { API_KEYS, scenarioPrincipals, type PolicyRevision } from './scenario/principals';
import { createDepot } from './server';
import { SimulatedClock } from './telemetry/clock';
import { configureTelemetry, TraceWriter } from './telemetry/emitter';
import { seededIds } from './telemetry/ids';

const TRACES_DIR = resolve(__dirname, '..', 'traces');
const RUN_1_START = Date.UTC(2025, 2, 3, 9, 0, 0);
const RUN_2_START = Date.UTC(2025, 2, 10, 9, 0, 0);

interface RunPlan {
  name: string;
  startedAt: number;
  seed: number;
  revision: PolicyRevision;
  traffic: (client: DepotClient, clock: SimulatedClock) => Promise<void>;
}

/** Fails the run when the service answers something the scenario did not expect. */
async function expect(status: number, pending: Promise<{ status: number; body: string }>): Promise<void> {
  const response = await pending;
  if (response.status !== status) throw new Error(`expected HTTP ${status}, got ${response.status}: ${response.body}`);
}

function csv(rows: number, seed: number): string {
  const lines = ['region,orders,revenue'];
  for (let row = 0; row < rows; row++) lines.push(`region-${row % 7},${(row * 37 + seed) % 500},${((row * 7919 + seed) % 100_000) / 100}`);
  return lines.join('\n') + '\n';
}

/** Setup by the administrator: buckets and the ingest queue. */
async function provision(client: DepotClient): Promise<void> {
  const carol = client.as(API_KEYS.carol);
  for (const bucket of ['reports', 'raw', 'shipping']) await expect(201, carol.send('POST', `/buckets/${bucket}`));
  await expect(201, carol.send('POST', '/queues/ingest'));
}

async function reporting(client: DepotClient, clock: SimulatedClock, quarters: string[]): Promise<void> {
  const alice = client.as(API_KEYS.alice);
  const bob = client.as(API_KEYS.bob);
  for (const [index, quarter] of quarters.entries()) {
    await expect(200, alice.putObject('reports', `${quarter}-summary.csv`, csv(40 + index * 15, index)));
    clock.advance(120);
  }
  await expect(200, alice.putObject('reports', 'payroll/2025-q1.csv', csv(12, 99)));
  await expect(200, alice.listObjects('reports'));
  await expect(200, alice.getObject('reports', `${quarters[0]}-summary.csv`));
  await expect(404, alice.getObject('reports', 'q4-summary.csv'));
  clock.advance(900);
  await expect(200, bob.listObjects('reports', 'q'));
  for (const quarter of quarters) await expect(200, bob.getObject('reports', `${quarter}-summary.csv`));
  await expect(403, bob.getObject('reports', 'payroll/2025-q1.csv'));
  await expect(403, bob.putObject('reports', 'notes.txt', 'numbers look off in q2', 'text/plain'));
}

async function ingestion(client: DepotClient, clock: SimulatedClock, batches: number, deleteProcessed: boolean): Promise<void> {
  const alice = client.as(API_KEYS.alice);
  const worker = client.as(API_KEYS.worker);
  for (let batch = 1; batch <= batches; batch++) await expect(201, alice.sendMessage('ingest', JSON.stringify({ batch, source: 'pos-terminals' })));
  clock.advance(300);
  let processed = 0;
  while (processed < batches) {
    const messages = await worker.receiveMessages('ingest', 2);
    if (messages.length === 0) break;
    for (const message of messages) {
      const { batch } = JSON.parse(message.body) as { batch: number };
      // Every third batch is a full export: large enough to be a slow request.
      const size = batch % 3 === 0 ? 240_000 : 6_000;
      await expect(200, worker.putObject('raw', `batch-${String(batch).padStart(4, '0')}.json`, Buffer.alloc(size, 'x'), 'application/json'));
      if (deleteProcessed) await expect(204, worker.deleteMessage('ingest', message.receiptHandle));
      processed += 1;
      clock.advance(40);
    }
  }
  if (deleteProcessed) await expect(400, worker.deleteMessage('ingest', 'msg-000001.1'));
}

async function browsing(client: DepotClient): Promise<void> {
  const dave = client.as(API_KEYS.dave);
  await expect(200, dave.send('GET', '/catalog'));
  await expect(200, dave.send('GET', '/catalog?tier=enterprise'));
  await expect(400, dave.send('GET', '/catalog?tier=platinum'));
  await expect(403, dave.getObject('reports', 'q1-summary.csv'));
  await expect(403, dave.listObjects('shipping'));
  await expect(403, dave.sendMessage('ingest', 'hello?'));
  await expect(403, client.as(undefined).send('GET', '/catalog'));
}

async function administration(client: DepotClient, withCleanup: boolean): Promise<void> {
  const carol = client.as(API_KEYS.carol);
  await expect(200, carol.putObject('shipping', 'port-calls/2025-03-02.csv', csv(60, 3)));
  await expect(404, carol.getObject('shipping', 'port-calls/2025-03-01.csv'));
  await expect(413, carol.putObject('shipping', 'vessel-tracks/full-dump.bin', Buffer.alloc(1_200_000, 1), 'application/octet-stream'));
  await expect(404, carol.send('GET', '/v2/buckets'));
  if (withCleanup) {
    await expect(204, carol.deleteObject('reports', 'q2-summary.csv'));
    await expect(403, carol.deleteObject('reports', 'payroll/2025-q1.csv'));
  }
}

const RUNS: RunPlan[] = [
  {
    name: 'run-1',
    startedAt: RUN_1_START,
    seed: 1,
    revision: 1,
    traffic: async (client, clock) => {
      await provision(client);
      await reporting(client, clock, ['q1', 'q2']);
      await ingestion(client, clock, 6, true);
      await browsing(client);
      await administration(client, true);
    },
  },
  {
    // A week later: policy revision 2, alice checks objects with HEAD, bob queues work,
    // the worker lets processed messages expire instead of deleting them, no cleanup.
    name: 'run-2',
    startedAt: RUN_2_START,
    seed: 2,
    revision: 2,
    traffic: async (client, clock) => {
      await provision(client);
      await reporting(client, clock, ['q1', 'q2', 'q3']);
      await expect(200, client.as(API_KEYS.alice).headObject('reports', 'q3-summary.csv'));
      await expect(201, client.as(API_KEYS.bob).sendMessage('ingest', JSON.stringify({ batch: 9, source: 'manual-upload' })));
      await ingestion(client, clock, 9, false);
      await browsing(client);
      await administration(client, false);
    },
  },
];

async function runScenario(plan: RunPlan): Promise<string> {
  const tracePath = join(TRACES_DIR, `${plan.name}.trace.jsonl`);
  const clock = new SimulatedClock(plan.startedAt);
  const writer = new TraceWriter(tracePath, { id: plan.name, startedAt: plan.startedAt, labels: { scenario: 'depot-day', policyRevision: String(plan.revision) } });
  configureTelemetry({ writer, clock, ids: seededIds(plan.seed) });
  const config: ServiceConfig = { port: 0, tracePath, enableAnalysis: false, debugDump: false, license: { tier: 'community' } };
  const { server } = createDepot(config, scenarioPrincipals(plan.revision));
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  try {
    await plan.traffic(new DepotClient((server.address() as AddressInfo).port), clock);
  } finally {
    await new Promise<void>((closed) => server.close(() => closed()));
    configureTelemetry({});
  }
  return tracePath;
}

async function main(): Promise<void> {
  const [run1] = [await runScenario(RUNS[0]), await runScenario(RUNS[1])];
  writeGzipCopy(run1, join(TRACES_DIR, 'run-1.trace.jsonl.gz'));
  writeBrokenCopy(run1, join(TRACES_DIR, 'broken.trace.jsonl'));
  writeMaliciousTrace(join(TRACES_DIR, 'malicious.trace.jsonl'), RUN_1_START);
  console.log(`traces written to ${TRACES_DIR}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
