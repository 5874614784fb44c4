/**
 * The framework adapters, in the order they are asked: the first one that
 * finds entry points in a node answers for it, so specific frameworks come
 * before the generic route and wrapper shapes.
 */
import type { ts } from '../compiler';
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
import type { Detection, FileContext, FrameworkAdapter } from './types';
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

/** What the adapters see of a file, from its imports' specifiers and local bindings. */
export function fileContext(file: string, source: ts.SourceFile, imports: readonly { specifier: string; bindings: ReadonlyMap<string, string> }[]): FileContext {
  return {
    source,
    path: file.split('\\').join('/'),
    imports: (name) => imports.some((fact) => fact.specifier === name || fact.specifier.startsWith(`${name}/`)),
    importedFrom: (local) => imports.find((fact) => fact.bindings.has(local))?.specifier,
  };
}

/** The entry points a node declares, from the first of `adapters` that finds any. */
export function detectEntries(node: ts.Node, file: FileContext, adapters: readonly FrameworkAdapter[]): { adapter: FrameworkAdapter; detections: Detection[] } | undefined {
  for (const adapter of adapters) {
    const detections = adapter.detect(node, file);
    if (detections.length > 0) return { adapter, detections };
  }
  return undefined;
}
