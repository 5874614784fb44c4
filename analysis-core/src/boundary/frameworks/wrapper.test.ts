import { runAdapterTests } from './testing';
import { wrapperAdapter } from './wrapper';

runAdapterTests(wrapperAdapter, {
  valid: [
    { name: 'a handler without a route', code: "emitter.subscribe({ handler: onEvent, topic: 'orders' });\n" },
    { name: 'a route without a handler', code: "redirects.add({ path: '/old', to: '/new' });\n" },
  ],
  invalid: [
    {
      name: "a framework's own registration with a method reference",
      code: "class OrdersApi {\n  register() {\n    this.route({ method: 'GET', path: '/orders/:id', handler: this.getOrder });\n  }\n  getOrder() {}\n}\n",
      reasons: ['route handler (GET /orders/:id)'],
    },
    { name: 'an inline handle function with a url', code: "server.add({ url: '/health', handle: async () => 'ok' });\n", reasons: ['route handler (/health)'] },
    { name: 'a resolve method with a route', code: "defineEndpoint({ route: 'orders.list', resolve() { return []; } });\n", reasons: ['route handler (orders.list)'] },
  ],
});
