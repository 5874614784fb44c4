import { emitterModuleText, postExecutionModuleText, postExecutionRegistry } from '../fixes/moveAnalysis';
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
const registryEntry = "  'planewise.analysis.generateReport': (inputs) => generateReport(postExecutionInput(inputs['order']), postExecutionInput(inputs['period'])),";

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
  ],
  invalid: [
    {
      name: 'the classic flag-guarded analysis in a data-plane handler, fixed with a created emitter and post-execution module',
      files: { 'src/handlers/orders.ts': handler, 'src/analysis/report.ts': report, 'src/storage/orders.ts': storage },
      errors: [{ messageId: 'direct', line: 11, file: 'src/handlers/orders.ts', message: 'generateReport (src/analysis/report.ts) runs on the execution path of data-plane function createOrder', related: 1 }],
      fix: {
        title: 'Move analysis out of the execution path',
        typeCheck: true,
        output: {
          'src/handlers/orders.ts': handlerBody(
            "emitTraceEvent('planewise.analysis.generateReport', { order: saved, period: 'daily' });",
            "import { saveOrder, type Order } from '../storage/orders';\nimport { emitTraceEvent } from '../tracing/emitTraceEvent';",
          ),
          'src/tracing/emitTraceEvent.ts': emitterModuleText('service'),
          'src/analysis/postExecution.ts': postExecutionModuleText("import { generateReport } from './report';", registryEntry),
        },
      },
    },
    {
      name: 'with @opentelemetry/api the event goes on the active span; an existing post-execution module is extended',
      files: {
        'src/handlers/orders.ts': handler,
        'src/analysis/report.ts': report,
        'src/storage/orders.ts': storage,
        'src/analysis/postExecution.ts': postExecutionModuleText("import { summarize } from './summary';", "  'planewise.analysis.summarize': (inputs) => summarize(postExecutionInput(inputs['x'])),"),
        'src/analysis/summary.ts': 'export function summarize(x: unknown) {\n  return x;\n}\n',
      },
      packageJson: { name: 'orders', dependencies: { '@opentelemetry/api': '^1.9.0' } },
      errors: [{ messageId: 'direct', line: 11, file: 'src/handlers/orders.ts' }],
      fix: {
        title: 'Move analysis out of the execution path',
        typeCheck: true,
        packages: ['@opentelemetry/api'],
        output: {
          'src/handlers/orders.ts': handlerBody(
            "trace.getActiveSpan()?.addEvent('planewise.analysis.generateReport', { order: JSON.stringify(saved), period: JSON.stringify('daily') });",
            "import { saveOrder, type Order } from '../storage/orders';\nimport { trace } from '@opentelemetry/api';",
          ),
          'src/analysis/postExecution.ts': postExecutionModuleText(
            "import { summarize } from './summary';\nimport { generateReport } from './report';",
            `  'planewise.analysis.summarize': (inputs) => summarize(postExecutionInput(inputs['x'])),\n${registryEntry}`,
          ),
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
            "record('planewise.analysis.generateReport', { order: saved, period: 'daily' });",
            "import { saveOrder, type Order } from '../storage/orders';\nimport { record } from '../telemetry/events';",
          ),
          'src/analysis/afterRun.ts': postExecutionModuleText("import { generateReport } from './report';", registryEntry),
        },
      },
    },
    {
      name: 'transitive: the helper call moves, and the project\'s own post-execution module gets the registry appended',
      files: {
        'src/handlers/objects.ts': [
          "import { refreshUsageReport } from '../shared/usage';",
          '',
          'export function putObject(config: { enableAnalysis: boolean; tracePath?: string }, bucket: string): number {',
          '  if (config.enableAnalysis) refreshUsageReport(config.tracePath, bucket);',
          '  return 200;',
          '}',
          '',
        ].join('\n'),
        'src/shared/usage.ts': "import { generateReport } from '../analysis/report';\n\nexport function refreshUsageReport(tracePath: string | undefined, bucket: string): void {\n  if (tracePath) generateReport(bucket);\n}\n",
        'src/analysis/report.ts': 'export function generateReport(bucket: string): string {\n  return bucket;\n}\n',
        'src/analysis/post-execution.ts': "import { writeFileSync } from 'node:fs';\n\nexport function main(out: string): void {\n  writeFileSync(out, 'done');\n}\n",
      },
      config: { trace: { postExecutionModule: 'src/analysis/post-execution.ts' } },
      errors: [{ messageId: 'transitive', line: 4, file: 'src/handlers/objects.ts', message: 'refreshUsageReport -> generateReport', related: 2 }],
      fix: {
        title: 'Move analysis out of the execution path',
        typeCheck: true,
        output: {
          'src/handlers/objects.ts': [
            "import { emitTraceEvent } from '../tracing/emitTraceEvent';",
            '',
            'export function putObject(config: { enableAnalysis: boolean; tracePath?: string }, bucket: string): number {',
            "  emitTraceEvent('planewise.analysis.refreshUsageReport', { tracePath: config.tracePath, bucket });",
            '  return 200;',
            '}',
            '',
          ].join('\n'),
          'src/analysis/post-execution.ts': `import { writeFileSync } from 'node:fs';\nimport { readFileSync as readTraceText } from 'node:fs';\nimport { refreshUsageReport } from '../shared/usage';\n\nexport function main(out: string): void {\n  writeFileSync(out, 'done');\n}\n\n${postExecutionRegistry("  'planewise.analysis.refreshUsageReport': (inputs) => refreshUsageReport(postExecutionInput(inputs['tracePath']), postExecutionInput(inputs['bucket'])),", 'readTraceText')}`,
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
      errors: [{ messageId: 'transitive', line: 3, file: 'src/handlers/checkout.ts', message: 'finish -> audit -> generateReport', related: 3 }],
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
        { messageId: 'direct', line: 6, message: 'route handler for POST /orders' },
        { messageId: 'direct', line: 9, message: 'route /stats' },
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
        { messageId: 'direct', line: 3, file: 'src/orders.ts', message: 'registered in src/server.ts' },
        { messageId: 'direct', line: 3, file: 'src/lambda.ts', message: 'AWS Lambda handler' },
        { messageId: 'transitive', line: 7, file: 'src/nest.ts', message: 'NestJS @Get handler' },
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
      errors: [{ messageId: 'direct', line: 8, message: 'ReportService.generate (src/insights/report.service.ts)' }],
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
        { messageId: 'direct', line: 6, file: 'src/services/pricing.ts', message: 'product package @acme/insights' },
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
