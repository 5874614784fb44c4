/**
 * The framework adapters, in the order they are asked: the first one that
 * finds entry points in a node answers for it, so specific frameworks come
 * before the generic route and wrapper shapes.
 */
import { expressAdapter } from './express';
import { fastifyAdapter } from './fastify';
import { graphqlAdapter } from './graphql';
import { honoAdapter } from './hono';
import { koaAdapter } from './koa';
import { lambdaAdapter } from './lambda';
import { nestjsAdapter } from './nestjs';
import { nextjsAdapter } from './nextjs';
import { nodeHttpAdapter } from './nodeHttp';
import { remixAdapter } from './remix';
import { trpcAdapter } from './trpc';
import type { FrameworkAdapter } from './types';
import { wrapperAdapter } from './wrapper';

export type { Detection, FileContext, FrameworkAdapter } from './types';

export const frameworkAdapters: readonly FrameworkAdapter[] = [
  nestjsAdapter,
  nextjsAdapter,
  remixAdapter,
  trpcAdapter,
  graphqlAdapter,
  lambdaAdapter,
  koaAdapter,
  fastifyAdapter,
  honoAdapter,
  nodeHttpAdapter,
  expressAdapter,
  wrapperAdapter,
];
