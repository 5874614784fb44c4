import { appendFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';

const DEBUG_DUMP_FILE = 'debug.trace.jsonl';

/** Appends the raw request line to a local file while debugging routing (DEPOT_DEBUG_DUMP=1). */
export function dumpRequest(request: IncomingMessage, routeId: string | undefined): void {
  const event = { ts: Date.now(), method: request.method, url: request.url, route: routeId ?? null };
  appendFileSync(DEBUG_DUMP_FILE, JSON.stringify(event) + '\n');
}
