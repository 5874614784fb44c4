/**
 * The air-gap test: intelligence-plane code reads artifacts (files); it never
 * calls live systems (network clients, cloud SDKs, database drivers, child
 * processes), and never imports platform modules that do.
 */
import picomatch from 'picomatch';
import { z } from 'zod';
import type { CallFact, CallTarget, FunctionFact } from '../facts';
import { codeSnippet } from '../messageText';
import { defineRule, type ProjectView, type ResolvedCall } from '../rule';

/** HTTP clients, recognised by import (Node's own, and the packages that wrap it or `fetch`). */
export const HTTP_CLIENT_MODULES = ['http', 'https', 'http2', 'axios', 'undici', 'got', 'node-fetch', 'cross-fetch', 'ky', 'superagent', 'request', 'ofetch'];

/** Package names (globs) of clients that reach live systems. `fs` is not here: files are the interface. */
export const RUNTIME_MODULES = [
  ...HTTP_CLIENT_MODULES,
  'net', 'tls', 'dgram', 'dns', 'child_process',
  'ws', 'socket.io-client',
  'grpc', '@grpc/grpc-js', '@connectrpc/*',
  'aws-sdk', '@aws-sdk/*', '@google-cloud/*', '@azure/*',
  'pg', 'mysql', 'mysql2', 'mongodb', 'mongoose', 'redis', 'ioredis', '@redis/*', 'cassandra-driver', 'tedious', 'oracledb',
  '@prisma/client', 'sequelize', 'typeorm', 'knex', 'kafkajs', 'amqplib', 'nats', '@elastic/elasticsearch',
];

/** Exports of clients that reach nothing: error classes, type guards, header and body helpers, query builders and schemas. */
const CLIENT_HELPERS: Record<string, ReadonlySet<string>> = {
  axios: new Set(['isAxiosError', 'isCancel', 'AxiosError', 'AxiosHeaders', 'CanceledError', 'Cancel', 'CancelToken', 'toFormData', 'formToJSON', 'mergeConfig', 'all', 'spread']),
  undici: new Set(['Headers', 'FormData', 'Request', 'Response', 'File', 'errors', 'MockAgent']),
  got: new Set(['HTTPError', 'RequestError', 'TimeoutError', 'ParseError', 'CancelError', 'MaxRedirectsError', 'CacheError', 'UploadError', 'ReadError']),
  ky: new Set(['HTTPError', 'TimeoutError', 'isHTTPError', 'isTimeoutError', 'isKyError']),
  'node-fetch': new Set(['Headers', 'Request', 'Response', 'FormData', 'Blob', 'File', 'FetchError', 'AbortError', 'isRedirect']),
  'cross-fetch': new Set(['Headers', 'Request', 'Response']),
  http: new Set(['validateHeaderName', 'validateHeaderValue']),
  ofetch: new Set(['FetchError', 'createFetchError']),
  // `Prisma.sql`, `Prisma.join`, `Prisma.Decimal`, its error classes; the client is `PrismaClient`.
  '@prisma/client': new Set(['Prisma']),
  mongoose: new Set(['Schema', 'Types', 'isValidObjectId', 'isObjectIdOrHexString']),
};

/** `axios.isAxiosError(e)`, `import { HTTPError } from 'ky'`: the export (or, for a default or namespace import, its member) that is called. */
function isClientHelper(resolved: Extract<ResolvedCall, { kind: 'package' }>): boolean {
  const helpers = CLIENT_HELPERS[resolved.name];
  if (helpers === undefined) return false;
  const called = resolved.exportName === 'default' || resolved.exportName === '*' ? resolved.member : resolved.exportName;
  return called !== undefined && helpers.has(called);
}

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
  if (resolved.kind === 'package' && isRuntime(resolved.name) && !isClientHelper(resolved)) return resolved.name;
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

/** How much of a wrapper's callee the one-line message quotes; the related information has it whole. */
const MAX_CALLEE_LENGTH = 30;

/** Whether a function is analysis code, held to the air gap: its `@plane` tag, else its file's plane. */
function isAnalysisFunction(project: ProjectView, file: string, fn: FunctionFact): boolean {
  return (fn.planeTag ?? project.planeOf(file).plane) === 'intelligence';
}

interface WrappedUse {
  file: string;
  wrapper: FunctionFact;
  call: CallFact;
  what: string;
}

/**
 * The live-system call inside a function of the project that analysis code
 * calls (`getJson(url)` whose body calls `fetch`, `billing.invoices()` whose
 * class holds an axios instance): one level deep. A wrapper that is analysis
 * code itself is reported on its own.
 */
function wrappedRuntimeCall(project: ProjectView, resolved: ResolvedCall, isRuntime: (name: string) => boolean): WrappedUse | undefined {
  if (resolved.kind !== 'function' || isAnalysisFunction(project, resolved.file, resolved.fn)) return undefined;
  for (const call of resolved.fn.calls) {
    const what = runtimeCallName(project.resolveCall(resolved.file, call.target), isRuntime);
    if (what !== undefined) return { file: resolved.file, wrapper: resolved.fn, call, what };
  }
  return undefined;
}

/** The import a call goes through, directly or through the value it is made on (`api.get()` where `api` is imported). */
function importIndexOf(target: CallTarget): number | undefined {
  let current = target;
  while (current.kind === 'member') current = current.origin.of;
  return current.kind === 'import' ? current.importIndex : undefined;
}

function describe(what: string): string {
  if (what === 'child_process') return 'spawns a process (child_process), which can reach live services';
  if (['fetch', '$fetch', 'XMLHttpRequest', 'EventSource'].includes(what)) return `calls ${what}, sending HTTP requests to a live system`;
  if (what === 'WebSocket') return 'opens a WebSocket to a live system';
  if (HTTP_CLIENT_MODULES.includes(what)) return `uses ${what}, an HTTP client of live systems`;
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
      // The wrapper and the call it wraps are the related information.
      wrapperCall: 'Analysis code calls {callee}, which uses {what}{uses}',
      platformImport: 'Analysis code imports {module}, which uses {what}',
    },
  },
  optionsSchema,
  defaultOptions: {} as Options,
  check(context) {
    const { project, file, facts, plane } = context;
    const isRuntime = runtimeMatcher(context.options);
    const fileIsAnalysis = plane.plane === 'intelligence';
    /** Imports whose live-system use is already reported where it is called. */
    const reportedAtCall = new Set<number>();
    /** One finding per wrapper, at its first call; later calls only add to its count. */
    const wrapperCalls = new Map<string, { call: CallFact; use: WrappedUse; uses: number }>();
    for (const fn of facts.functions.values()) {
      const isAnalysis = fn.planeTag === undefined ? fileIsAnalysis : fn.planeTag === 'intelligence';
      if (!isAnalysis) continue;
      for (const call of fn.calls) {
        const resolved = project.resolveCall(file, call.target);
        const what = runtimeCallName(resolved, isRuntime);
        const wrapped = what === undefined ? wrappedRuntimeCall(project, resolved, isRuntime) : undefined;
        if (what !== undefined) {
          context.report({ messageId: 'call', data: { what: describe(what) }, range: call.range, key: `${fn.key}:${call.calleeText}` });
        } else if (wrapped !== undefined) {
          const key = `wrapper:${project.relative(wrapped.file)}:${wrapped.wrapper.key}`;
          const seen = wrapperCalls.get(key);
          if (seen === undefined) wrapperCalls.set(key, { call, use: wrapped, uses: 1 });
          else seen.uses += 1;
        } else {
          continue;
        }
        const importIndex = importIndexOf(call.target);
        if (importIndex !== undefined) reportedAtCall.add(importIndex);
      }
    }
    for (const [key, { call, use, uses }] of wrapperCalls) {
      context.report({
        messageId: 'wrapperCall',
        data: { callee: codeSnippet(call.calleeText, MAX_CALLEE_LENGTH), what: use.what, uses: uses === 1 ? '' : ` (${uses} calls)` },
        range: call.range,
        key,
        related: [{ file: use.file, range: use.call.range, message: `${project.relative(use.file)}: ${use.call.calleeText} ${describe(use.what)}` }],
      });
    }
    if (!fileIsAnalysis) return;
    const memo = new Map<string, RuntimeUse | null>();
    for (const [index, fact] of facts.imports.entries()) {
      if (fact.typeOnly || reportedAtCall.has(index)) continue;
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
