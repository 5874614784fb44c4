import { fastifyAdapter } from './fastify';
import { runAdapterTests } from './testing';

runAdapterTests(fastifyAdapter, {
  valid: [
    { name: 'a file without fastify', code: "server.route({ method: 'GET', url: '/x', handler: () => 1 });\n" },
    { name: 'route() without options', code: "import Fastify from 'fastify';\nconst app = Fastify();\napp.route(config);\n" },
  ],
  invalid: [
    {
      name: 'a shorthand route with options between path and handler',
      code: "import Fastify from 'fastify';\nconst app = Fastify();\napp.get('/orders', { schema }, async (request, reply) => []);\n",
      reasons: ['Fastify route handler (GET /orders)'],
    },
    {
      name: 'route() with a preHandler hook and a method handler',
      code: "import Fastify from 'fastify';\nconst app = Fastify();\napp.route({ method: 'POST', url: '/orders', preHandler: checkToken, async handler(request, reply) {} });\n",
      reasons: ['Fastify route handler (POST /orders)', 'Fastify preHandler hook (POST /orders)'],
    },
  ],
});
