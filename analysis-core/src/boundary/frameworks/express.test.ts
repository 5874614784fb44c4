import { expressAdapter } from './express';
import { runAdapterTests } from './testing';

runAdapterTests(expressAdapter, {
  valid: [
    { name: 'a Map lookup is not a route', code: "const cache = new Map();\ncache.get('/orders');\n" },
    { name: 'a path that is not a URL path', code: "import express from 'express';\nconst app = express();\napp.get('port');\n" },
    { name: 'use() on something that is not a router', code: "const plugins = { use(fn: () => void) {} };\nplugins.use(() => {});\n" },
    { name: 'a Koa file is left to the Koa adapter', code: "import Router from '@koa/router';\nconst router = new Router();\nrouter.get('/x', async (ctx) => {});\n" },
  ],
  invalid: [
    { name: 'an inline handler', code: "import express from 'express';\nconst app = express();\napp.get('/orders', (req, res) => res.json([]));\n", reasons: ['Express route handler (GET /orders)'] },
    {
      name: 'a middleware chain: the last function is the handler',
      code: "import { Router } from 'express';\nimport { auth } from './auth';\nconst router = Router();\nrouter.post('/orders', auth, validate(schema), async (req, res) => {});\n",
      reasons: ['Express middleware (POST /orders)', 'Express route handler (POST /orders)'],
    },
    { name: 'a handler passed by reference', code: "import express from 'express';\nimport { listOrders } from './orders';\nconst app = express();\napp.get('/orders', listOrders);\n", reasons: ['Express route handler (GET /orders)'] },
    { name: 'an asyncHandler wrapper around the handler', code: "import express from 'express';\nconst app = express();\napp.delete('/orders/:id', asyncHandler(async (req, res) => {}));\n", reasons: ['Express route handler (DELETE /orders/:id)'] },
    { name: 'app-level middleware', code: "import express from 'express';\nconst app = express();\napp.use((req, res, next) => next());\n", reasons: ['Express route handler (USE *)'] },
    { name: 'a router made elsewhere, in a file without framework imports', code: "export function mount(ordersRouter: any) {\n  ordersRouter.put('/orders/:id', (req: unknown) => req);\n}\n", reasons: ['HTTP route handler (PUT /orders/:id)'] },
  ],
});
