import { registryText } from '../fixes/generatedCode';
import { runRuleTests } from '../testing/ruleTester';
import { noAnalysisInExecutionPath } from './no-analysis-in-execution-path';

const report = "import type { Order } from '../storage/orders';\n\nexport function generateReport(order: Order, period: string): string {\n  return `${period}: ${order.id}`;\n}\n";
const storage = 'export interface Order {\n  id: string;\n}\n\nexport function saveOrder(order: Order): Order {\n  return order;\n}\n';
const handler = `import { generateReport } from '../analysis/report';
import { saveOrder, type Order } from '../storage/orders';

export interface Config {
  enableAnalysis: boolean;
}

export function createOrder(order: Order, config: Config): Order {
  const saved = saveOrder(order);
  if (config.enableAnalysis) {
    generateReport(saved, 'daily');
  }
  return saved;
}
`;
const handlerBody = (emit: string, imports: string) => `${imports}

export interface Config {
  enableAnalysis: boolean;
}

export function createOrder(order: Order, config: Config): Order {
  const saved = saveOrder(order);
  ${emit}
  return saved;
}
`;

runRuleTests(noAnalysisInExecutionPath, {
  valid: [
    {
      name: 'calls into product code that do not interpret outcomes (billing, license lookups, predicates, model constructors) are not analysis',
      files: {
        'src/services/accounts.ts': [
          "import { openBillingPortal, currentLicense, seatsWithinCap, AuditTrailModel } from '../enterprise/billing';",
          'export function upgrade(accountId: string) {',
          '  const license = currentLicense();',
          '  if (!seatsWithinCap(accountId)) return undefined;',
          '  const trail = new AuditTrailModel(accountId);',
          '  return [openBillingPortal(accountId), license, trail];',
          '}',
          '',
        ].join('\n'),
        'src/enterprise/billing.ts':
          'export function openBillingPortal(id: string) { return id; }\nexport function currentLicense() { return 1; }\nexport function seatsWithinCap(id: string) { return id !== ""; }\nexport class AuditTrailModel { constructor(public id: string) {} }\n',
      },
    },
    {
      name: 'analysis calling analysis',
      files: { 'src/analysis/summary.ts': "import { generateReport } from './report';\nexport const s = () => generateReport();\n", 'src/analysis/report.ts': 'export function generateReport() {}\n' },
    },
    {
      name: 'a handler calling platform code only',
      files: { 'src/handlers/orders.ts': "import { saveOrder } from '../storage/orders';\nexport function create() { return saveOrder(); }\n", 'src/storage/orders.ts': 'export function saveOrder() {}\n' },
    },
    {
      name: 'a batch script that is not an entry point may run analysis',
      files: { 'scripts/nightly.ts': "import { generateReport } from '../src/analysis/report';\nexport function main() { generateReport(); }\n", 'src/analysis/report.ts': 'export function generateReport() {}\n' },
    },
    {
      name: 'route handlers that only call platform helpers',
      files: {
        'src/app.ts': "import express from 'express';\nimport { format } from './lib/format';\nconst app = express();\napp.get('/orders', (req, res) => res.json(format(req.query)));\n",
        'src/lib/format.ts': 'export function format(q: unknown) { return q; }\n',
      },
    },
    {
      name: 'map.get and other non-route calls are not routes',
      files: { 'src/app.ts': "import { generateReport } from './analysis/report';\nconst cache = new Map();\ncache.get('key');\n[1].forEach(() => generateReport());\n", 'src/analysis/report.ts': 'export function generateReport() {}\n' },
    },
    {
      name: 'methods of a literal constant exported by analysis code run no analysis',
      files: {
        'src/handlers/version.ts': "import { SCHEMA_VERSION } from '../analysis/schema';\nexport function major() {\n  return SCHEMA_VERSION.split('.')[0];\n}\n",
        'src/analysis/schema.ts': "export const SCHEMA_VERSION = '1.0';\n",
      },
    },
    {
      name: 'values whose class is platform code',
      files: {
        'src/routes/orders.ts': [
          "import express from 'express';",
          "import { OrderStore, createStore } from '../storage/orders';",
          'const app = express();',
          'const store = createStore();',
          "app.post('/orders', (req, res) => {",
          '  new OrderStore().save(req.body);',
          '  store.save(req.body);',
          '  res.end();',
          '});',
          '',
        ].join('\n'),
        'src/storage/orders.ts': 'export class OrderStore {\n  save(order: unknown) {\n    return order;\n  }\n}\nexport const createStore = () => new OrderStore();\n',
        'src/analysis/revenue.ts': 'export class OrderStore {\n  save() {}\n}\n',
      },
    },
  ],
  invalid: [
    {
      name: 'a flag-guarded analysis: the flag is recorded with the event; emitter and post-execution module are created and recorded in a new config',
      files: { 'src/handlers/orders.ts': handler, 'src/analysis/report.ts': report, 'src/storage/orders.ts': storage },
      errors: [{ messageId: 'direct', line: 11, file: 'src/handlers/orders.ts', message: 'createOrder (data-plane) runs analysis generateReport', related: 2, relatedMessage: 'Imported here: Imports intelligence-plane module src/analysis/report.ts' }],
      fix: {
        title: 'Move analysis out of the execution path',
        typeCheck: true,
        output: {
          'src/handlers/orders.ts': handlerBody(
            "// Runs after execution, from this event: ../analysis/postExecution.ts\n  emitTraceEvent('planewise.analysis.generateReport', { 'planewise.inputs': JSON.stringify({ order: saved, period: 'daily' }), 'planewise.enabled': Boolean(config.enableAnalysis) });",
            "import { saveOrder, type Order } from '../storage/orders';\nimport { emitTraceEvent } from '../tracing/emitTraceEvent';",
          ),
          'planewise.config.json': '{\n  "trace": {\n    "emitter": {\n      "module": "src/tracing/emitTraceEvent.ts",\n      "export": "emitTraceEvent"\n    },\n    "postExecutionModule": "src/analysis/postExecution.ts"\n  }\n}\n',
        },
      },
    },
    {
      name: 'with @opentelemetry/api the event goes on the active span; an existing registry gets the entry',
      files: {
        'src/handlers/orders.ts': handler,
        'src/analysis/report.ts': report,
        'src/storage/orders.ts': storage,
        'src/analysis/postExecution.ts': "import { summarize } from './summary';\n\nconst movedAnalyses: Record<string, (inputs: never) => unknown> = {\n  'planewise.analysis.summarize': (inputs: { x: Parameters<typeof summarize>[0] }) => summarize(inputs.x),\n};\n\nexport function size(): number {\n  return Object.keys(movedAnalyses).length;\n}\n",
        'src/analysis/summary.ts': 'export function summarize(x: unknown) {\n  return x;\n}\n',
      },
      config: { trace: { postExecutionModule: 'src/analysis/postExecution.ts' } },
      packageJson: { name: 'orders', dependencies: { '@opentelemetry/api': '^1.9.0' } },
      errors: [{ messageId: 'direct', line: 11, file: 'src/handlers/orders.ts' }],
      fix: {
        title: 'Move analysis out of the execution path',
        typeCheck: true,
        packages: ['@opentelemetry/api'],
        output: {
          'src/handlers/orders.ts': handlerBody(
            "// Runs after execution, from this event: ../analysis/postExecution.ts\n  trace.getActiveSpan()?.addEvent('planewise.analysis.generateReport', { 'planewise.inputs': JSON.stringify({ order: saved, period: 'daily' }), 'planewise.enabled': Boolean(config.enableAnalysis) });",
            "import { saveOrder, type Order } from '../storage/orders';\nimport { trace } from '@opentelemetry/api';",
          ),
          'src/analysis/postExecution.ts': "import { summarize } from './summary';\nimport { generateReport } from './report';\n\nconst movedAnalyses: Record<string, (inputs: never) => unknown> = {\n  'planewise.analysis.summarize': (inputs: { x: Parameters<typeof summarize>[0] }) => summarize(inputs.x),\n  'planewise.analysis.generateReport': (inputs: { order: Parameters<typeof generateReport>[0]; period: Parameters<typeof generateReport>[1] }) => generateReport(inputs.order, inputs.period),\n};\n\nexport function size(): number {\n  return Object.keys(movedAnalyses).length;\n}\n",
        },
      },
    },
    {
      name: 'the configured emitter is used when there is one',
      files: {
        'src/handlers/orders.ts': handler,
        'src/analysis/report.ts': report,
        'src/storage/orders.ts': storage,
        'src/telemetry/events.ts': 'export function record(name: string, inputs: Record<string, unknown>): void {\n  void name;\n  void inputs;\n}\n',
      },
      config: { trace: { emitter: { module: 'src/telemetry/events.ts', export: 'record' }, postExecutionModule: 'src/analysis/afterRun.ts' } },
      errors: [{ messageId: 'direct', line: 11, file: 'src/handlers/orders.ts' }],
      fix: {
        title: 'Move analysis out of the execution path',
        typeCheck: true,
        output: {
          'src/handlers/orders.ts': handlerBody(
            "// Runs after execution, from this event: ../analysis/afterRun.ts\n  record('planewise.analysis.generateReport', { 'planewise.inputs': JSON.stringify({ order: saved, period: 'daily' }), 'planewise.enabled': Boolean(config.enableAnalysis) });",
            "import { saveOrder, type Order } from '../storage/orders';\nimport { record } from '../telemetry/events';",
          ),
        },
      },
    },
    {
      name: "transitive: the helper call moves, wired into the project's post-execution loop on the records its own reader read",
      files: {
        'src/handlers/objects.ts': [
          "import { refreshUsageReport } from '../shared/usage';",
          '',
          'export function putObject(config: { tracePath?: string }, bucket: string): number {',
          '  refreshUsageReport(config.tracePath, bucket);',
          '  return 200;',
          '}',
          '',
        ].join('\n'),
        'src/shared/usage.ts': "import { generateReport } from '../analysis/report';\n\nexport function refreshUsageReport(tracePath: string | undefined, bucket: string): void {\n  if (tracePath) generateReport(bucket);\n}\n",
        'src/analysis/report.ts': 'export function generateReport(bucket: string): string {\n  return bucket;\n}\n',
        'src/analysis/reader.ts': "export function readTraceFile(path: string): { records: object[] } {\n  return { records: [{ kind: 'span', path }] };\n}\n",
        'src/analysis/post-execution.ts': "import { readTraceFile } from './reader';\n\nexport async function runAll(paths: string[]): Promise<number> {\n  let count = 0;\n  for (const tracePath of paths) {\n    const trace = readTraceFile(tracePath);\n    count += trace.records.length;\n  }\n  return count;\n}\n",
      },
      config: { trace: { emitter: { module: 'src/telemetry/emit.ts', export: 'emitTraceEvent' } } },
      errors: [{ messageId: 'transitive', line: 4, file: 'src/handlers/objects.ts', message: 'Calls refreshUsageReport, which leads to analysis generateReport', related: 4, relatedMessage: 'refreshUsageReport (src/shared/usage.ts) calls generateReport' }],
      fix: {
        title: 'Move analysis out of the execution path',
        output: {
          'src/handlers/objects.ts': [
            "import { emitTraceEvent } from '../telemetry/emit';",
            '',
            'export function putObject(config: { tracePath?: string }, bucket: string): number {',
            '  // Runs after execution, from this event: ../analysis/post-execution.ts',
            "  emitTraceEvent('planewise.analysis.refreshUsageReport', { 'planewise.inputs': JSON.stringify({ tracePath: config.tracePath, bucket }) });",
            '  return 200;',
            '}',
            '',
          ].join('\n'),
          'src/analysis/post-execution.ts': `import { readTraceFile } from './reader';\nimport { refreshUsageReport } from '../shared/usage';\n\nexport async function runAll(paths: string[]): Promise<number> {\n  let count = 0;\n  for (const tracePath of paths) {\n    const trace = readTraceFile(tracePath);\n    await runMovedAnalyses(trace.records);\n    count += trace.records.length;\n  }\n  return count;\n}\n\n${registryText(["  'planewise.analysis.refreshUsageReport': (inputs: { tracePath: Parameters<typeof refreshUsageReport>[0]; bucket: Parameters<typeof refreshUsageReport>[1] }) => refreshUsageReport(inputs.tracePath, inputs.bucket),"])}`,
        },
      },
    },
    {
      name: 'transitive: handler -> helper -> deeper helper -> analysis, with each hop',
      files: {
        'src/handlers/checkout.ts': "import { finish } from '../lib/finish';\nexport function checkout() {\n  finish();\n}\n",
        'src/lib/finish.ts': "import { audit } from './audit';\nexport function finish() {\n  audit();\n}\n",
        'src/lib/audit.ts': "import { generateReport } from '../analysis/report';\nexport function audit() {\n  generateReport();\n}\n",
        'src/analysis/report.ts': 'export function generateReport() {}\n',
      },
      errors: [{ messageId: 'transitive', line: 3, file: 'src/handlers/checkout.ts', message: 'Calls finish, which leads to analysis generateReport', related: 5, relatedMessage: 'Imported here: Reaches product code src/analysis/report.ts in 3 imports' }],
    },
    {
      name: 'Express, Koa, Fastify, Hono routes and http.createServer in unassigned files',
      files: {
        'src/app.ts': [
          "import express from 'express';",
          "import http from 'node:http';",
          "import { generateReport } from './analysis/report';",
          'const app = express();',
          "app.post('/orders', async (req, res) => {",
          '  await generateReport();',
          '  res.end();',
          '});',
          "fastify.route({ method: 'GET', url: '/stats', handler: () => generateReport() });",
          'http.createServer((req, res) => { generateReport(); res.end(); });',
          'koa.use(async (ctx) => { generateReport(); });',
          "hono.get('/h', (c) => generateReport());",
          '',
        ].join('\n'),
        'src/analysis/report.ts': 'export async function generateReport() {}\n',
      },
      errors: [
        { messageId: 'direct', line: 6, message: 'Express route handler (POST /orders)' },
        { messageId: 'direct', line: 9, message: 'route handler (GET /stats)' },
        { messageId: 'direct', line: 10, message: 'http.createServer' },
        { messageId: 'direct', line: 11 },
        { messageId: 'direct', line: 12 },
      ],
    },
    {
      name: 'a handler function registered from another file, AWS Lambda handlers and NestJS controllers',
      files: {
        'src/server.ts': "import { Router } from 'express';\nimport { listOrders } from './orders';\nexport const router = Router();\nrouter.get('/orders', listOrders);\n",
        'src/orders.ts': "import { generateReport } from './insights/model';\nexport function listOrders() {\n  generateReport();\n}\n",
        'src/lambda.ts': "import { generateReport } from './insights/model';\nexport const handler = async () => {\n  generateReport();\n};\n",
        'src/nest.ts': [
          "import { Controller, Get } from '@nestjs/common';",
          "import * as insights from './insights/model';",
          "@Controller('orders')",
          'export class OrdersController {',
          "  @Get(':id')",
          '  find() {',
          '    return this.helper();',
          '  }',
          '  helper() {',
          '    insights.generateReport();',
          '  }',
          '}',
          '',
        ].join('\n'),
        'src/insights/model.ts': 'export function generateReport() {}\n',
      },
      errors: [
        { messageId: 'direct', line: 3, file: 'src/orders.ts', message: 'Express route handler (GET /orders) runs analysis', relatedMessage: 'is registered here: Express route handler (GET /orders)' },
        { messageId: 'direct', line: 3, file: 'src/lambda.ts', message: 'AWS Lambda handler' },
        { messageId: 'transitive', line: 7, file: 'src/nest.ts', relatedMessage: 'NestJS @Get handler calls' },
      ],
    },
    {
      name: 'a NestJS controller calling an injected analysis service',
      files: {
        'src/orders.controller.ts': [
          "import { Controller, Post } from '@nestjs/common';",
          "import { ReportService } from './insights/report.service';",
          "@Controller('orders')",
          'export class OrdersController {',
          '  constructor(private readonly reports: ReportService) {}',
          '  @Post()',
          '  create() {',
          '    this.reports.generate();',
          '  }',
          '}',
          '',
        ].join('\n'),
        'src/insights/report.service.ts': 'export class ReportService {\n  generate() {}\n}\n',
      },
      errors: [{ messageId: 'direct', line: 8, message: 'NestJS @Post handler runs analysis ReportService.generate' }],
    },
    {
      name: 'calls through values: a local instance, a module singleton, a factory result, a class field, a destructured method',
      files: {
        'src/routes/orders.ts': [
          "import express from 'express';",
          "import { RevenueAnalyzer, createAnalyzer } from '../analysis/revenue';",
          "import { analytics } from '../lib/analytics';",
          'const app = express();',
          'const shared = new RevenueAnalyzer();',
          'const made = createAnalyzer();',
          'const { observe } = shared;',
          "app.post('/orders', (req, res) => {",
          '  const analyzer = new RevenueAnalyzer();',
          '  analyzer.observe(req.body);',
          '  shared.observe(req.body);',
          '  made.observe(req.body);',
          '  analytics.observe(req.body);',
          '  observe(req.body);',
          '  res.end();',
          '});',
          '',
        ].join('\n'),
        'src/lib/analytics.ts': "import { createAnalyzer } from '../analysis/revenue';\nexport const analytics = createAnalyzer();\n",
        'src/analysis/revenue.ts': 'export class RevenueAnalyzer {\n  observe(order: unknown) {\n    return order;\n  }\n}\nexport function createAnalyzer() {\n  return new RevenueAnalyzer();\n}\n',
      },
      errors: [
        // Constructing the analyser (lines 5, 6 and 9) runs no analysis: each call of its methods is the finding, one per call site.
        { messageId: 'direct', line: 10, message: 'Express route handler (POST /orders) runs analysis RevenueAnalyzer.observe' },
        { messageId: 'direct', line: 11, message: 'RevenueAnalyzer.observe' },
        { messageId: 'direct', line: 12, message: 'RevenueAnalyzer.observe' },
        { messageId: 'direct', line: 13, message: 'RevenueAnalyzer.observe' },
        { messageId: 'direct', line: 14, message: 'RevenueAnalyzer.observe' },
      ],
    },
    {
      name: 'calls through class fields and injected services, with the handler registered through a wrapper',
      files: {
        'src/api/orders.ts': [
          "import { RevenueAnalyzer, createAnalyzer } from '../analysis/revenue';",
          "import type { Order } from './order';",
          'export class OrdersApi {',
          '  private analyzer = new RevenueAnalyzer();',
          '  private made = createAnalyzer();',
          '  constructor(private readonly revenue: RevenueAnalyzer) {}',
          '  register(server: { route(options: object): void }) {',
          "    server.route({ method: 'POST', path: '/orders', handler: this.create });",
          '  }',
          '  create(order: Order) {',
          '    this.analyzer.observe(order);',
          '    this.made.observe(order);',
          '    this.revenue.observe(order);',
          '  }',
          '}',
          '',
        ].join('\n'),
        'src/api/order.ts': 'export interface Order {\n  id: string;\n}\n',
        'src/analysis/revenue.ts': 'export class RevenueAnalyzer {\n  observe(order: unknown) {\n    return order;\n  }\n}\nexport function createAnalyzer() {\n  return new RevenueAnalyzer();\n}\n',
      },
      errors: [
        { messageId: 'direct', line: 11, message: 'route handler (POST /orders)' },
        { messageId: 'direct', line: 12, message: 'RevenueAnalyzer.observe' },
        { messageId: 'direct', line: 13, message: 'RevenueAnalyzer.observe' },
      ],
    },
    {
      name: 'a Next.js route handler under app/api/reports/ is execution code, not intelligence-plane code',
      files: {
        'src/app/api/reports/route.ts': "import { buildReport } from '../../../reporting/build';\nexport const GET = withAuth(async () => {\n  return buildReport();\n});\ndeclare function withAuth<T>(fn: T): T;\n",
        'src/reporting/build.ts': 'export function buildReport() {}\n',
      },
      config: { planes: { intelligence: ['src/reporting/**'] } },
      errors: [{ messageId: 'direct', line: 3, message: 'Next.js route handler (GET /api/reports)' }],
    },
    {
      name: 'product packages, premium code and JSDoc @plane intelligence functions are analysis too',
      files: {
        'src/services/pricing.ts': [
          "import { score } from '@acme/insights';",
          "import { forecast } from '../premium/forecast';",
          '/** @plane intelligence */',
          'function trend() {}',
          'export function price() {',
          '  score();',
          '  forecast();',
          '  trend();',
          '}',
          '',
        ].join('\n'),
        'src/premium/forecast.ts': 'export function forecast() {}\n',
      },
      config: { productPackages: ['@acme/insights'] },
      errors: [
        { messageId: 'direct', line: 6, file: 'src/services/pricing.ts', message: 'runs analysis score', relatedMessage: 'score (product package @acme/insights) is product code' },
        { messageId: 'direct', line: 7, file: 'src/services/pricing.ts' },
        { messageId: 'direct', line: 8, file: 'src/services/pricing.ts' },
      ],
    },
    {
      name: 'a product call with chained handlers on its result is one finding, at the call',
      files: {
        'src/services/usage.ts': [
          "import { summarizeUsage } from '../ee/usage';",
          'export function close(accountId: string) {',
          '  summarizeUsage(accountId)',
          '    .then((summary) => summary)',
          '    .catch(() => undefined);',
          '}',
          '',
        ].join('\n'),
        'src/ee/usage.ts': 'export async function summarizeUsage(id: string) { return id; }\n',
      },
      errors: [{ messageId: 'direct', line: 3, file: 'src/services/usage.ts', message: 'summarizeUsage' }],
    },
  ],
});
