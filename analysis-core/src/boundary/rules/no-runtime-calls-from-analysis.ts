/**
 * The air-gap test: intelligence-plane code reads artifacts (files); it never
 * calls live systems (network clients, cloud SDKs, database drivers, child
 * processes), and never imports platform modules that do.
 */
import picomatch from 'picomatch';
import { z } from 'zod';
import type { CallFact } from '../facts';
import { defineRule, type ProjectView, type ResolvedCall } from '../rule';

/** Package names (globs) of clients that reach live systems. `fs` is not here: files are the interface. */
export const RUNTIME_MODULES = [
  'http', 'https', 'http2', 'net', 'tls', 'dgram', 'dns', 'child_process',
  'axios', 'undici', 'got', 'node-fetch', 'cross-fetch', 'ky', 'superagent', 'request', 'ws', 'socket.io-client',
  'grpc', '@grpc/grpc-js', '@connectrpc/*',
  'aws-sdk', '@aws-sdk/*', '@google-cloud/*', '@azure/*',
  'pg', 'mysql', 'mysql2', 'mongodb', 'mongoose', 'redis', 'ioredis', '@redis/*', 'cassandra-driver', 'tedious', 'oracledb',
  '@prisma/client', 'sequelize', 'typeorm', 'knex', 'kafkajs', 'amqplib', 'nats', '@elastic/elasticsearch',
];

const optionsSchema = z.strictObject({
  modules: z.array(z.string()).optional().describe('More package names or globs that reach live systems.'),
  allow: z.array(z.string()).optional().describe('Package names or globs allowed in analysis code after all (e.g. an artifact store you read offline).'),
});
type Options = z.infer<typeof optionsSchema>;

const matchers = new WeakMap<Options, (name: string) => boolean>();

/** Compiled once per options object: rules run once per file. */
function runtimeMatcher(options: Options): (name: string) => boolean {
  const cached = matchers.get(options);
  if (cached !== undefined) return cached;
  const matcher = compileRuntimeMatcher(options);
  matchers.set(options, matcher);
  return matcher;
}

function compileRuntimeMatcher(options: Options): (name: string) => boolean {
  const isRuntime = picomatch([...RUNTIME_MODULES, ...(options.modules ?? [])]);
  const allowed = (options.allow ?? []).length > 0 ? picomatch(options.allow!) : () => false;
  return (name) => isRuntime(name) && !allowed(name);
}

function runtimeCallName(resolved: ResolvedCall, isRuntime: (name: string) => boolean): string | undefined {
  if (resolved.kind === 'global') return resolved.name;
  if (resolved.kind === 'package' && isRuntime(resolved.name)) return resolved.name;
  return undefined;
}

interface RuntimeUse {
  file: string;
  call: CallFact;
  what: string;
  via: string[];
}

/** The first live-system call in a platform module or the modules it imports (intelligence modules are checked on their own). */
function runtimeUseOf(project: ProjectView, file: string, isRuntime: (name: string) => boolean, memo: Map<string, RuntimeUse | null>, visiting: Set<string>): RuntimeUse | null {
  if (memo.has(file)) return memo.get(file)!;
  if (visiting.has(file)) return null;
  visiting.add(file);
  let result: RuntimeUse | null = null;
  const facts = project.facts(file);
  outer: for (const fn of facts?.functions.values() ?? []) {
    for (const call of fn.calls) {
      const what = runtimeCallName(project.resolveCall(file, call.target), isRuntime);
      if (what !== undefined) {
        result = { file, call, what, via: [] };
        break outer;
      }
    }
  }
  if (result === null) {
    for (const fact of facts?.imports ?? []) {
      if (fact.typeOnly) continue;
      const target = project.resolveImport(file, fact);
      if (target.kind !== 'file' || project.planeOf(target.file).plane === 'intelligence') continue;
      const deeper = runtimeUseOf(project, target.file, isRuntime, memo, visiting);
      if (deeper !== null) {
        result = { ...deeper, via: [project.relative(target.file), ...deeper.via] };
        break;
      }
    }
  }
  visiting.delete(file);
  memo.set(file, result);
  return result;
}

function describe(what: string): string {
  if (what === 'child_process') return 'spawns a process (child_process), which can reach live services';
  if (['fetch', 'WebSocket', 'XMLHttpRequest', 'EventSource'].includes(what)) return `calls ${what}, reaching a live system`;
  return `uses ${what}, a client of live systems`;
}

export const noRuntimeCallsFromAnalysis = defineRule({
  meta: {
    id: 'no-runtime-calls-from-analysis',
    appliesTo: 'intelligence',
    defaultSeverity: 'error',
    docs: {
      description: 'Intelligence-plane code must read artifacts (files), never call live systems or import platform modules that do.',
      page: 'docs/rules/no-runtime-calls-from-analysis.md',
    },
    fixable: false,
    messages: {
      call: 'Analysis code {what}',
      platformImport: 'Analysis code imports {module}, which uses {what}',
    },
  },
  optionsSchema,
  defaultOptions: {} as Options,
  check(context) {
    const { project, file, facts, plane } = context;
    const isRuntime = runtimeMatcher(context.options);
    const fileIsAnalysis = plane.plane === 'intelligence';
    for (const fn of facts.functions.values()) {
      const isAnalysis = fn.planeTag === undefined ? fileIsAnalysis : fn.planeTag === 'intelligence';
      if (!isAnalysis) continue;
      for (const call of fn.calls) {
        const what = runtimeCallName(project.resolveCall(file, call.target), isRuntime);
        if (what === undefined) continue;
        context.report({ messageId: 'call', data: { what: describe(what) }, range: call.range, key: `${fn.key}:${call.calleeText}` });
      }
    }
    if (!fileIsAnalysis) return;
    const memo = new Map<string, RuntimeUse | null>();
    for (const fact of facts.imports) {
      if (fact.typeOnly) continue;
      const target = project.resolveImport(file, fact);
      if (target.kind !== 'file') continue;
      const targetPlane = project.planeOf(target.file).plane;
      if (targetPlane === 'intelligence') continue;
      const use = runtimeUseOf(project, target.file, isRuntime, memo, new Set([file]));
      if (use === null) continue;
      const module = project.relative(target.file);
      context.report({
        messageId: 'platformImport',
        data: { module, what: use.what },
        range: fact.range,
        key: `import:${module}`,
        related: [{ file: use.file, range: use.call.range, message: `${[module, ...use.via].join(' -> ')}: ${use.call.calleeText} ${describe(use.what)}` }],
      });
    }
  },
});
