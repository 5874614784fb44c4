import type { IncomingMessage, ServerResponse } from 'node:http';
import { SLOW_REQUEST_MS } from '../analysis/anomalies';
import { AccessDeniedError, authorize } from '../auth/authorizer';
import type { PrincipalDirectory } from '../auth/principals';
import type { ServiceConfig } from '../config';
import { HttpError, type Handler, type Reply, type Services } from '../handlers/http';
import { StorageError } from '../storage/errors';
import { dumpRequest } from '../telemetry/debug-dump';
import { activeTelemetry } from '../telemetry/emitter';
import { requestAttributes, withSpan } from '../telemetry/tracer';

export interface Route {
  /** Names the operation in traces and metrics, e.g. "PutObject". */
  id: string;
  method: string;
  /** Path with `:name` segments, e.g. "/buckets/:bucket/objects/:key". */
  path: string;
  action: string;
  resource: (params: Record<string, string>) => string;
  handler: Handler;
}

interface CompiledRoute {
  route: Route;
  pattern: RegExp;
  names: string[];
}

export interface RouterDependencies {
  principals: PrincipalDirectory;
  services: Services;
  config: ServiceConfig;
}

function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  const source = route.path.replace(/:([a-zA-Z]+)/g, (_, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { route, pattern: new RegExp(`^${source}$`), names };
}

function errorReply(error: unknown): Reply {
  if (error instanceof AccessDeniedError) return { status: 403, body: { error: 'AccessDenied', message: error.message } };
  if (error instanceof HttpError || error instanceof StorageError) return { status: error.status, body: { error: error.code, message: error.message } };
  return { status: 500, body: { error: 'InternalError', message: 'the request failed; see the trace for details' } };
}

function send(response: ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = { ...reply.headers };
  let payload: Buffer | undefined = reply.raw;
  if (payload) headers['content-type'] = reply.contentType ?? 'application/octet-stream';
  else if (reply.body !== undefined) {
    payload = Buffer.from(JSON.stringify(reply.body));
    headers['content-type'] = 'application/json';
  }
  response.writeHead(reply.status, headers);
  response.end(payload);
}

/** Matches a request to a route, authorizes it, runs the handler inside a root span, and answers. */
export class Router {
  private readonly routes: CompiledRoute[];
  private readonly counters = new Map<string, { requests: number; errors: number }>();

  constructor(
    routes: readonly Route[],
    private readonly dependencies: RouterDependencies,
  ) {
    this.routes = routes.map(compile);
  }

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://depot.local');
    if (request.method === 'GET' && url.pathname === '/metrics') {
      send(response, { status: 200, body: Object.fromEntries(this.counters) });
      return;
    }
    const match = this.match(request.method ?? 'GET', url.pathname);
    const routeId = match?.route.id ?? 'UnmatchedRoute';
    if (this.dependencies.config.debugDump) dumpRequest(request, match?.route.id);

    const reply = await withSpan('depot-gateway', routeId, async (span) => {
      const startedAt = activeTelemetry().clock.now();
      let result: Reply;
      try {
        if (!match) throw new HttpError(404, 'NoSuchRoute', `no route for ${request.method} ${url.pathname}`);
        const principal = this.dependencies.principals.resolve(request);
        span.setAttribute('principal', principal.id);
        authorize(principal, { action: match.route.action, resource: match.route.resource(match.params) });
        result = await match.route.handler({ request, params: match.params, query: url.searchParams, principal, ...this.dependencies });
      } catch (error) {
        result = errorReply(error);
        if (result.status !== 403) span.fail(error instanceof Error ? error.message : String(error));
      }
      span.setAttribute('http.status_code', result.status);
      if (activeTelemetry().clock.now() - startedAt > SLOW_REQUEST_MS) span.setAttribute('slow', true);
      return result;
    }, requestAttributes(request));

    this.count(routeId, reply.status);
    send(response, reply);
  }

  private match(method: string, pathname: string): { route: Route; params: Record<string, string> } | undefined {
    for (const { route, pattern, names } of this.routes) {
      if (route.method !== method) continue;
      const found = pattern.exec(pathname);
      if (!found) continue;
      const params = Object.fromEntries(names.map((name, index) => [name, decodeURIComponent(found[index + 1])]));
      return { route, params };
    }
    return undefined;
  }

  private count(routeId: string, status: number): void {
    const counter = this.counters.get(routeId) ?? { requests: 0, errors: 0 };
    counter.requests += 1;
    if (status >= 400) counter.errors += 1;
    this.counters.set(routeId, counter);
  }
}
