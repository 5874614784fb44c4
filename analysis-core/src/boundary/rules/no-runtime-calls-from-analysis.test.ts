import { runRuleTests } from '../testing/ruleTester';
import { noRuntimeCallsFromAnalysis } from './no-runtime-calls-from-analysis';

runRuleTests(noRuntimeCallsFromAnalysis, {
  valid: [
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
