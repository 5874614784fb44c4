/** Hono: `app.get('/x', (c) => …)`, `app.on('GET', '/x', …)` and `app.use(...)` middleware. */
import { ts } from '../compiler';
import { HTTP_METHOD_NAMES, routeCall, routeDetections, stringValue } from './syntax';
import type { FrameworkAdapter } from './types';

const ROUTE_AND_USE = new Set([...HTTP_METHOD_NAMES, 'use']);

export const honoAdapter: FrameworkAdapter = {
  id: 'hono',
  appliesTo: (file) => file.imports('hono'),
  detect(node) {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'on') {
      const method = stringValue(node.arguments[0]);
      const path = stringValue(node.arguments[1]);
      if (method === undefined || path?.startsWith('/') !== true) return [];
      return routeDetections({ method, path, receiver: '', handlers: node.arguments.slice(2) }, 'Hono');
    }
    const route = routeCall(node, ROUTE_AND_USE);
    if (route === undefined || route.handlers.length === 0) return [];
    if (route.method !== 'use' && route.path?.startsWith('/') !== true) return [];
    return routeDetections(route, 'Hono');
  },
};
