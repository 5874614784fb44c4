import { createServer, type Server } from 'node:http';
import { PrincipalDirectory, type Principal } from './auth/principals';
import { configFromEnv, type ServiceConfig } from './config';
import { Router } from './gateway/router';
import { ROUTES } from './gateway/routes';
import { ObjectService } from './services/object-service';
import { QueueService } from './services/queue-service';
import { BucketStore } from './storage/buckets';
import { QueueStore } from './storage/queue';
import { configureTelemetry, TraceWriter } from './telemetry/emitter';

export interface Depot {
  server: Server;
  router: Router;
}

/** Wires the stores, services, auth and router into an HTTP server (not yet listening). */
export function createDepot(config: ServiceConfig, principals: ReadonlyArray<{ apiKey: string; principal: Principal }>): Depot {
  const services = { objects: new ObjectService(new BucketStore()), queues: new QueueService(new QueueStore()) };
  const router = new Router(ROUTES, { principals: new PrincipalDirectory(principals), services, config });
  const server = createServer((request, response) => {
    router.handle(request, response).catch((error: unknown) => {
      console.error('depot: request failed outside the router:', error);
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  return { server, router };
}

if (require.main === module) {
  const config = configFromEnv(process.env);
  const writer = config.tracePath ? new TraceWriter(config.tracePath, { id: `depot-${process.pid}`, startedAt: Date.now() }) : undefined;
  configureTelemetry({ writer, license: config.license });
  const admin: Principal = { id: 'admin', policy: { Version: '2012-10-17', Statement: [{ Sid: 'AdminAll', Effect: 'Allow', Action: '*', Resource: '*' }] } };
  const apiKey = process.env.DEPOT_ADMIN_KEY;
  const { server } = createDepot(config, apiKey ? [{ apiKey, principal: admin }] : []);
  server.listen(config.port, () => console.log(`depot listening on http://localhost:${config.port}`));
}
