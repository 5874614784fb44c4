/** Koa: `app.use(async (ctx) => …)` and koa-router's `router.get('/x', …)`. */
import { HTTP_METHOD_NAMES, routeCall, routeDetections } from './syntax';
import type { FrameworkAdapter } from './types';

const ROUTE_AND_USE = new Set([...HTTP_METHOD_NAMES, 'use']);

export const koaAdapter: FrameworkAdapter = {
  id: 'koa',
  appliesTo: (file) => file.imports('koa') || file.imports('@koa/router') || file.imports('koa-router'),
  detect(node) {
    const route = routeCall(node, ROUTE_AND_USE);
    if (route === undefined || route.handlers.length === 0) return [];
    if (route.method !== 'use' && route.path?.startsWith('/') !== true) return [];
    return routeDetections(route, 'Koa');
  },
};
