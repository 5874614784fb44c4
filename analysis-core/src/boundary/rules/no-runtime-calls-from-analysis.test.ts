import { runRuleTests } from '../testing/ruleTester';
import { noRuntimeCallsFromAnalysis } from './no-runtime-calls-from-analysis';

runRuleTests(noRuntimeCallsFromAnalysis, {
  valid: [
    {
      name: 'query builders and schemas of database clients reach nothing',
      files: {
        'src/analysis/filters.ts': [
          "import { Prisma } from '@prisma/client';",
          "import mongoose from 'mongoose';",
          'export const where = (ids: string[]) => Prisma.sql`id IN (${Prisma.join(ids)})`;',
          'export const RowSchema = new mongoose.Schema({ id: String });',
          '',
        ].join('\n'),
      },
    },
    {
      name: 'HTTP client helpers that send nothing: type guards, error and header classes',
      files: {
        'src/analysis/errors.ts': [
          "import axios from 'axios';",
          "import { isHTTPError } from 'ky';",
          "import { Headers } from 'undici';",
          "import { validateHeaderName } from 'node:http';",
          'export function classify(error: unknown) {',
          "  validateHeaderName('x-trace-id');",
          "  return axios.isAxiosError(error) || isHTTPError(error) ? new Headers().get('x') : undefined;",
          '}',
          '',
        ].join('\n'),
      },
    },
    {
      name: 'a request handler under an api folder is execution, whatever its URL segment is called',
      files: {
        'src/app/api/reports/route.ts': "import { sessionOf } from '../../../lib/session';\nexport async function POST(request: Request) {\n  return Response.json(await sessionOf(request));\n}\n",
        'src/lib/session.ts': "import Redis from 'ioredis';\nconst redis = new Redis();\nexport const sessionOf = (request: Request) => redis.get(request.url);\n",
      },
    },
    {
      name: 'reading trace files is the interface',
      files: {
        'src/analysis/summary.ts':
          "import { readFileSync, createReadStream } from 'node:fs';\nimport path from 'node:path';\nexport function summarize(file: string) {\n  return readFileSync(path.resolve(file), 'utf8') + createReadStream(file).path;\n}\n",
      },
    },
    {
      name: 'platform code may call live systems',
      files: { 'src/services/orders.ts': "import axios from 'axios';\nexport const load = () => axios.get('/orders') && fetch('/x');\n" },
    },
    {
      name: 'importing platform modules that do not reach live systems (types, pure helpers)',
      files: {
        'src/analysis/report.ts': "import { toCents } from '../services/money';\nimport type { Client } from '../storage/db';\nexport const r = (c: Client) => toCents(1);\n",
        'src/services/money.ts': 'export const toCents = (n: number) => n * 100;\n',
        'src/storage/db.ts': "import { Pool } from 'pg';\nexport type Client = Pool;\nexport const pool = new Pool();\n",
      },
    },
    {
      name: 'allowed modules from the options',
      files: { 'src/analysis/archive.ts': "import { S3Client } from '@aws-sdk/client-s3';\nexport const c = () => new S3Client({});\n" },
      config: { rules: { 'no-runtime-calls-from-analysis': ['error', { allow: ['@aws-sdk/client-s3'] }] } },
    },
  ],
  invalid: [
    {
      name: 'HTTP clients called directly: axios, got, ky, undici, node:http(s), superagent, ofetch',
      files: {
        'src/analysis/pull.ts': [
          "import axios from 'axios';",
          "import got from 'got';",
          "import ky from 'ky';",
          "import { request, fetch as undiciFetch, Pool } from 'undici';",
          "import https from 'node:https';",
          "import { get } from 'node:http';",
          "import superagent from 'superagent';",
          "import { ofetch, $fetch } from 'ofetch';",
          'export async function pull() {',
          "  await axios({ url: 'https://api.example.com' });",
          "  await got('https://api.example.com');",
          "  await ky.get('https://api.example.com');",
          "  await request('https://api.example.com');",
          "  await undiciFetch('https://api.example.com');",
          "  new Pool('https://api.example.com');",
          "  https.get('https://api.example.com');",
          "  get('http://svc');",
          "  await superagent.get('https://api.example.com');",
          "  await ofetch('/api');",
          "  await $fetch('/api');",
          '}',
          '',
        ].join('\n'),
      },
      errors: [10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20].map((line) => ({ messageId: 'call', line, message: 'HTTP' })),
    },
    {
      name: 'calls through HTTP client instances: axios.create, ky.create, got.extend, an undici Pool, a class field, require',
      files: {
        'src/analysis/enrich.ts': [
          "import axios from 'axios';",
          "import ky from 'ky';",
          "import got from 'got';",
          "import { Pool } from 'undici';",
          "const { get: fetchJson } = require('axios');",
          'export class Enricher {',
          '  private http = axios.create();',
          '  async run() {',
          '    const api = axios.create();',
          '    const search = ky.create({});',
          '    const client = got.extend({});',
          "    const pool = new Pool('https://api.example.com');",
          "    await api.get('/a');",
          "    await search.get('q');",
          "    await client.get('y');",
          "    await pool.request({ path: '/' });",
          "    await this.http.post('/b');",
          "    await fetchJson('/c');",
          '  }',
          '}',
          '',
        ].join('\n'),
      },
      errors: [7, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18].map((line) => ({ messageId: 'call', line, message: 'HTTP client' })),
    },
    {
      name: 'an HTTP client instance made in another module',
      files: {
        'src/analysis/enrich.ts': "import { api } from '../lib/api';\nexport const enrich = () => api.get('/users');\n",
        'src/lib/api.ts': "import axios from 'axios';\nexport const api = axios.create({ baseURL: 'https://api.example.com' });\n",
      },
      errors: [{ messageId: 'call', line: 2, message: 'axios' }],
    },
    {
      name: "the project's own wrapper around an HTTP client, as a function or a class method: once per wrapper, at its first call",
      files: {
        'src/analysis/enrich.ts': [
          "import { getJson } from '../lib/http';",
          "import { billing } from '../lib/billing';",
          'export async function enrich() {',
          "  const user = await getJson('/users/1');",
          "  return billing.invoices(user);",
          '}',
          "export const refresh = () => getJson('/users/2');",
          '',
        ].join('\n'),
        'src/lib/http.ts': "export async function getJson(url: string) {\n  const response = await fetch(url);\n  return response.json();\n}\n",
        'src/lib/billing.ts': [
          "import axios from 'axios';",
          'class BillingClient {',
          "  private http = axios.create({ baseURL: 'https://billing' });",
          '  invoices(user: unknown) {',
          "    return this.http.get('/invoices', { params: user });",
          '  }',
          '}',
          'export const billing = new BillingClient();',
          '',
        ].join('\n'),
      },
      errors: [
        { messageId: 'wrapperCall', line: 4, message: 'calls getJson, which uses fetch (2 calls)', related: 1, relatedMessage: 'src/lib/http.ts: fetch calls fetch' },
        { messageId: 'wrapperCall', line: 5, message: 'calls billing.invoices, which uses axios', related: 1, relatedMessage: 'src/lib/billing.ts: this.http.get uses axios' },
      ],
    },
    {
      name: 'network clients, fetch, WebSocket, cloud SDKs, database drivers and child processes',
      files: {
        'src/analysis/live.ts': [
          "import axios from 'axios';",
          "import * as http from 'node:http';",
          "import { S3Client } from '@aws-sdk/client-s3';",
          "import { Pool } from 'pg';",
          "import { execSync } from 'child_process';",
          "import Redis from 'ioredis';",
          "import * as grpc from '@grpc/grpc-js';",
          'export async function enrich() {',
          "  await axios.get('https://api.example.com');",
          "  http.request('http://svc');",
          '  new S3Client({});',
          '  new Pool().query("select 1");',
          "  execSync('curl http://svc');",
          '  new Redis();',
          '  grpc.credentials.createInsecure();',
          "  await fetch('/x');",
          "  new WebSocket('ws://x');",
          '}',
          '',
        ].join('\n'),
      },
      errors: [9, 10, 11, 12, 13, 14, 15, 16, 17].map((line) => ({ messageId: 'call', line })),
    },
    {
      name: 'a wrapper that is analysis code itself is reported where it calls, not at every caller',
      files: {
        'src/analysis/report.ts': "import { getJson } from './http';\nexport const report = () => getJson('/x');\n",
        'src/analysis/http.ts': 'export const getJson = (url: string) => fetch(url);\n',
      },
      errors: [{ messageId: 'call', line: 1, file: 'src/analysis/http.ts' }],
    },
    {
      name: 'importing a platform module that calls live systems, through its own imports',
      files: {
        'src/reports/usage.ts': "import { currentUsage } from '../services/usage';\nexport const report = () => currentUsage();\n",
        'src/services/usage.ts': "import { query } from '../storage/db';\nexport const currentUsage = () => query();\n",
        'src/storage/db.ts': "import { Pool } from 'pg';\nexport const query = () => new Pool().query('select 1');\n",
      },
      errors: [{ messageId: 'platformImport', line: 1, file: 'src/reports/usage.ts', message: 'Analysis code imports src/services/usage.ts, which uses pg', related: 1, relatedMessage: 'src/services/usage.ts -> src/storage/db.ts' }],
    },
    {
      name: 'a JSDoc @plane intelligence function in platform code is held to the air gap',
      files: { 'src/lib/mixed.ts': "/** @plane intelligence */\nexport async function insight() {\n  return fetch('/live');\n}\nexport const live = () => fetch('/ok');\n" },
      errors: [{ messageId: 'call', line: 3 }],
    },
    {
      name: 'extra modules from the options',
      files: { 'src/insights/x.ts': "import { connect } from 'my-queue';\nexport const x = () => connect();\n" },
      config: { rules: { 'no-runtime-calls-from-analysis': ['warn', { modules: ['my-queue'] }] } },
      errors: [{ messageId: 'call', line: 2 }],
    },
  ],
});
