import { runRuleTests } from '../testing/ruleTester';
import { noProductImportInPlatform } from './no-product-import-in-platform';

runRuleTests(noProductImportInPlatform, {
  valid: [
    {
      name: 'an import whose every value is analysis called on the request path: the call is the finding, and names the import',
      files: {
        'src/handlers/orders.ts': "import { generateReport, ReportOptions } from '../analysis/report';\nexport function create(options: ReportOptions) {\n  generateReport(options);\n}\n",
        'src/analysis/report.ts': 'export interface ReportOptions { days: number }\nexport function generateReport(options: ReportOptions) { return options.days; }\n',
      },
    },
    {
      name: 'a barrel re-exporting report code: only the names used are followed',
      files: {
        'src/auth/login.ts': "import { findSession } from '../queries';\nimport { loadUser } from '../lib/load';\nexport const login = [findSession, loadUser];\n",
        'src/lib/load.ts': "import { findSession } from '../queries';\nexport const loadUser = () => findSession();\n",
        'src/queries/index.ts': "export * from './sessions';\nexport * from './reports/breakdown';\n",
        'src/queries/sessions.ts': 'export function findSession() { return 1; }\n',
        'src/queries/reports/breakdown.ts': 'export function breakdown() { return 2; }\n',
      },
    },
    {
      name: 'tests are not platform code: end-to-end suites may drive enterprise code',
      files: {
        'src/services/orders.e2e.ts': "import { seats } from '../enterprise/seats';\nexport const s = seats;\n",
        'src/services/orders.e2e-ee.ts': "import { seats } from '../enterprise/seats';\nexport const s = seats;\n",
        'e2e/services/checkout.ts': "import { seats } from '../../src/enterprise/seats';\nexport const s = seats;\n",
        'src/enterprise/seats.ts': 'export const seats = 3;\n',
      },
    },
    {
      name: 'browser code gets no platform plane from folder names (front-end packages, components, use client modules)',
      files: {
        'packages/front-end/services/auth.ts': "import { seats } from '../enterprise/seats';\nexport const s = seats;\n",
        'src/services/Banner.tsx': "import { seats } from '../enterprise/seats';\nexport const Banner = () => seats;\n",
        'src/services/useSeats.ts': "'use client';\nimport { seats } from '../enterprise/seats';\nexport const useSeats = () => seats;\n",
        'src/enterprise/seats.ts': 'export const seats = 3;\n',
        'packages/front-end/enterprise/seats.ts': 'export const seats = 3;\n',
      },
    },
    {
      name: 'a single-page app (a UI library and no server framework in its package.json) is browser code: its src/api folder is no platform',
      files: {
        'apps/web/package.json': JSON.stringify({ name: 'web', dependencies: { react: '^18.0.0', 'react-dom': '^18.0.0', axios: '^1.0.0' } }),
        'apps/web/src/api/client.ts': "import { seats } from '../ee/seats';\nexport const limit = () => seats;\n",
        'apps/web/src/ee/seats.ts': 'export const seats = 3;\n',
      },
    },
    {
      name: 'an HTTP client posting a body is no route: a component that posts stays browser code',
      files: {
        'src/services/LoginForm.tsx': "import { http } from './http';\nimport { seats } from '../enterprise/seats';\nexport const submit = (data: unknown) => http.post('/v1/auth/login', data);\nexport const s = seats;\n",
        'src/services/http.ts': 'export const http = { post: (path: string, body: unknown) => [path, body] };\n',
        'src/enterprise/seats.ts': 'export const seats = 3;\n',
      },
    },
    {
      name: 'names used only in types are erased by the compiler: an enum or class of product code in annotations crosses no boundary',
      files: {
        'src/services/orders.ts': "import { Plan, Seats } from '../enterprise/plans';\nexport function limit(plan: Plan): Seats | undefined {\n  return plan === undefined ? undefined : undefined;\n}\n",
        'src/enterprise/plans.ts': "export enum Plan { Pro = 'pro' }\nexport class Seats { n = 1; }\n",
      },
    },
    {
      name: 'intelligence code may import platform code',
      files: {
        'src/analysis/report.ts': "import { Order } from '../services/orders';\nexport function report(o: Order) { return o; }\n",
        'src/services/orders.ts': 'export class Order {}\n',
      },
    },
    {
      name: 'a type-only import crosses no runtime boundary',
      files: {
        'src/handlers/orders.ts': "import type { Report } from '../analysis/report';\nimport { type Summary } from '../analysis/report';\nexport let last: Report | Summary | undefined;\n",
        'src/analysis/report.ts': 'export interface Report { n: number }\nexport interface Summary { s: string }\n',
      },
    },
    {
      name: 'platform importing unassigned code that stays on the platform side',
      files: {
        'src/handlers/orders.ts': "import { format } from '../lib/format';\nexport const f = format;\n",
        'src/lib/format.ts': "import { pad } from './pad';\nexport const format = pad;\n",
        'src/lib/pad.ts': 'export const pad = (s: string) => s;\n',
      },
    },
    {
      name: 'a platform module importing another platform module answers only for itself',
      files: {
        'src/handlers/orders.ts': "import { save } from '../storage/db';\nexport const s = save;\n",
        'src/storage/db.ts': "export const save = () => 1;\n",
      },
    },
    {
      name: 'packages that are not product packages',
      files: { 'src/handlers/orders.ts': "import express from 'express';\nimport { z } from 'zod';\nexport const x = [express, z];\n" },
      config: { productPackages: ['@acme/insights*'], planes: { data: ['src/handlers/**'] } },
    },
    {
      name: 'import cycles among unassigned modules end without a finding',
      files: {
        'src/handlers/a.ts': "import { b } from '../lib/b';\nexport const a = b;\n",
        'src/lib/b.ts': "import { c } from './c';\nexport const b = c;\n",
        'src/lib/c.ts': "import { b } from './b';\nexport const c = () => b;\n",
      },
    },
  ],
  invalid: [
    {
      name: "a decorated class's constructor parameter types are written out as values (injection metadata): the import is an edge",
      files: {
        'src/services/orders.ts': "import { Injectable } from '@nestjs/common';\nimport { SeatsService } from '../enterprise/seats';\n@Injectable()\nexport class OrdersService {\n  constructor(private readonly seats: SeatsService) {}\n}\n",
        'src/enterprise/seats.ts': 'export class SeatsService { count() { return 3; } }\n',
      },
      errors: [{ messageId: 'direct', line: 2, message: 'Imports product module src/enterprise/seats.ts' }],
    },
    {
      name: 'a name used as a type and as a value is an edge',
      files: {
        'src/services/orders.ts': "import { Plan } from '../enterprise/plans';\nexport function isPro(plan: Plan) {\n  return plan === Plan.Pro;\n}\n",
        'src/enterprise/plans.ts': "export enum Plan { Pro = 'pro' }\n",
      },
      errors: [{ messageId: 'direct', line: 1, message: 'Imports product module src/enterprise/plans.ts' }],
    },
    {
      name: 'a package with a UI library beside a server framework (Next.js) keeps its folder planes',
      files: {
        'apps/site/src/services/billing.ts': "import { seats } from '../ee/seats';\nexport const limit = () => seats;\n",
        'apps/site/package.json': JSON.stringify({ name: 'site', dependencies: { next: '^15.0.0', react: '^19.0.0', 'react-dom': '^19.0.0' } }),
        'apps/site/src/ee/seats.ts': 'export const seats = 3;\n',
      },
      errors: [{ messageId: 'direct', line: 1, message: 'Imports product module apps/site/src/ee/seats.ts' }],
    },
    {
      name: 'an import that also brings code no reported call stands for stays a finding of its own',
      files: {
        'src/handlers/orders.ts': "import { generateReport, REPORT_DAYS } from '../analysis/report';\nexport function create() {\n  generateReport(REPORT_DAYS);\n}\n",
        'src/analysis/report.ts': 'export const REPORT_DAYS = 7;\nexport function generateReport(days: number) { return days; }\n',
      },
      errors: [{ messageId: 'direct', line: 1, message: 'Imports intelligence-plane module src/analysis/report.ts' }],
    },
    {
      name: 'a handler importing an analysis module',
      files: {
        'src/handlers/orders.ts': "import express from 'express';\nimport { generateReport } from '../analysis/report';\nexport const r = generateReport;\n",
        'src/analysis/report.ts': 'export function generateReport() {}\n',
      },
      errors: [{ messageId: 'direct', line: 2, message: 'Imports intelligence-plane module src/analysis/report.ts' }],
    },
    {
      name: 'product packages and premium folders count as product code',
      files: {
        'src/gateway/router.ts': "import { score } from '@acme/insights-engine';\nimport { tracing } from '../premium/tracing';\nimport * as ee from './audit.ee';\nexport const all = [score, tracing, ee];\n",
        'src/premium/tracing.ts': 'export const tracing = 1;\n',
        'src/gateway/audit.ee.ts': 'export const audit = 1;\n',
      },
      config: { productPackages: ['@acme/insights-*'] },
      errors: [
        { messageId: 'direct', line: 1, message: 'Imports product package @acme/insights-engine' },
        { messageId: 'direct', line: 2, message: 'product module' },
        { messageId: 'direct', line: 3 },
      ],
    },
    {
      name: 'a chain through unassigned modules is reported with each hop',
      files: {
        'src/services/billing.ts': "import { summarize } from '../lib/summary';\nexport const s = summarize;\n",
        'src/lib/summary.ts': "export { summarize } from './deep';\n",
        'src/lib/deep.ts': "import { insights } from '../insights/model';\nexport const summarize = insights;\n",
        'src/insights/model.ts': 'export const insights = () => 0;\n',
      },
      errors: [{
          messageId: 'chain',
          line: 1,
          related: 2,
          message: 'Reaches product code src/insights/model.ts in 3 imports',
          relatedMessage: 'src/services/billing.ts -> src/lib/summary.ts -> src/lib/deep.ts -> src/insights/model.ts',
        }],
    },
    {
      name: 'tsconfig paths and baseUrl aliases resolve to the files they name',
      files: {
        'tsconfig.json': '{\n  // comments are fine\n  "compilerOptions": { "baseUrl": ".", "paths": { "@/*": ["src/*"], "#report": ["src/analysis/report.ts"] } }\n}\n',
        'src/handlers/orders.ts': "import { a } from '@/analysis/report';\nimport { b } from '#report';\nimport { c } from 'src/analysis/report';\nexport const all = [a, b, c];\n",
        'src/analysis/report.ts': 'export const a = 1, b = 2, c = 3;\n',
      },
      errors: [
        // Three imports, one edge: reported once, at the first, with its count.
        { messageId: 'direct', line: 1, file: 'src/handlers/orders.ts', message: 'src/analysis/report.ts (3 imports)' },
      ],
    },
    {
      name: 'config globs and @plane comments decide the plane; require() counts',
      files: {
        'app/api.js': "const stats = require('../tools/stats');\nmodule.exports = stats;\n",
        'tools/stats.js': "// @plane intelligence\nmodule.exports = {};\n",
      },
      config: { planes: { data: ['app/**'], intelligence: ['tools/**'] } },
      errors: [{ messageId: 'direct', file: 'app/api.js', line: 1 }],
    },
      {
      name: 'open-core conventions are product code by default: ee folders, *.ee.* files, @scope/ee and @scope/ee-* packages',
      files: {
        'src/services/signing.ts': [
          "import { seal } from '../ee/signing';",
          "import { limits } from '@acme/ee';",
          "import { invoices } from '@acme/ee-billing/server';",
          "import { audit } from './audit.ee.js';",
          'export const all = [seal, limits, invoices, audit];',
          '',
        ].join('\n'),
        'src/ee/signing.ts': 'export const seal = 1;\n',
        'src/services/audit.ee.ts': 'export const audit = 1;\n',
      },
      errors: [
        { messageId: 'direct', line: 1 },
        { messageId: 'direct', line: 2, message: '@acme/ee' },
        { messageId: 'direct', line: 3, message: '@acme/ee-billing' },
        { messageId: 'direct', line: 4 },
      ],
    },
  ],
});
