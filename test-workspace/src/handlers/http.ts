import type { IncomingMessage } from 'node:http';
import type { Principal } from '../auth/principals';
import type { ServiceConfig } from '../config';
import type { ObjectService } from '../services/object-service';
import type { QueueService } from '../services/queue-service';

export interface Services {
  objects: ObjectService;
  queues: QueueService;
}

export interface RequestContext {
  request: IncomingMessage;
  params: Record<string, string>;
  query: URLSearchParams;
  principal: Principal;
  services: Services;
  config: ServiceConfig;
}

export interface Reply {
  status: number;
  body?: unknown;
  /** Raw bytes, sent as-is with `contentType`. */
  raw?: Buffer;
  contentType?: string;
  headers?: Record<string, string>;
}

export type Handler = (context: RequestContext) => Promise<Reply>;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const MAX_BODY_BYTES = 2 * 1024 * 1024;

export async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'RequestTooLarge', `request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const text = (await readBody(request)).toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'MalformedJson', 'the request body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HttpError(400, 'MalformedJson', 'the request body must be a JSON object');
  }
  return value as Record<string, unknown>;
}
