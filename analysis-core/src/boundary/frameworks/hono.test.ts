import { honoAdapter } from './hono';
import { runAdapterTests } from './testing';

runAdapterTests(honoAdapter, {
  valid: [
    { name: 'an event listener is not a route', code: "import { Hono } from 'hono';\nconst app = new Hono();\nemitter.on('ready', () => {});\n" },
    { name: 'a file without hono', code: "const app = makeApp();\napp.on('GET', '/x', (c) => c.text('x'));\n" },
  ],
  invalid: [
    { name: 'a GET route', code: "import { Hono } from 'hono';\nconst app = new Hono();\napp.get('/orders', (c) => c.json([]));\n", reasons: ['Hono route handler (GET /orders)'] },
    {
      name: 'app.on with middleware',
      code: "import { Hono } from 'hono';\nconst app = new Hono();\napp.on('PURGE', '/cache', auth(), (c) => c.text('ok'));\n",
      reasons: ['Hono route handler (PURGE /cache)'],
    },
  ],
});
