import { koaAdapter } from './koa';
import { runAdapterTests } from './testing';

runAdapterTests(koaAdapter, {
  valid: [
    { name: 'an Express file is not Koa', code: "import express from 'express';\nconst app = express();\napp.use((req, res) => {});\n" },
    { name: 'a method call without a path', code: "import Router from '@koa/router';\nconst router = new Router();\nrouter.get(name);\n" },
  ],
  invalid: [
    { name: 'app middleware', code: "import Koa from 'koa';\nconst app = new Koa();\napp.use(async (ctx) => { ctx.body = 'ok'; });\n", reasons: ['Koa route handler (USE *)'] },
    {
      name: 'a koa-router route with middleware',
      code: "import Router from '@koa/router';\nconst router = new Router();\nrouter.get('/orders', requireUser, async (ctx) => {});\n",
      reasons: ['Koa middleware (GET /orders)', 'Koa route handler (GET /orders)'],
    },
  ],
});
