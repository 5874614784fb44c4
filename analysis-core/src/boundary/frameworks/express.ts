/**
 * Express and any Express-style router (`app.get('/x', handler)`,
 * `router.post(...)`, `app.use(middleware)`). Also the fallback for route
 * registrations in files that import no other known framework: the router
 * may be created elsewhere and passed in.
 */
import { HTTP_METHOD_NAMES, routeCall, routeDetections } from './syntax';
import type { FileContext, FrameworkAdapter } from './types';

const ROUTE_AND_USE = new Set([...HTTP_METHOD_NAMES, 'use', 'any']);
/** Receivers that are routers even for `use` without a path. */
const ROUTER_NAMES = /^(app|router|server|api|fastify|hono|koa|routes?|instance|\w+Router)$/i;
const OTHER_FRAMEWORKS = ['koa', '@koa/router', 'koa-router', 'fastify', 'hono'];

export const expressAdapter: FrameworkAdapter = {
  id: 'express',
  appliesTo: (file: FileContext) => !OTHER_FRAMEWORKS.some((name) => file.imports(name)),
  detect(node, file) {
    const route = routeCall(node, ROUTE_AND_USE);
    if (route === undefined || route.handlers.length === 0) return [];
    const isRoute = route.method === 'use' ? ROUTER_NAMES.test(route.receiver) || route.path?.startsWith('/') === true : route.path?.startsWith('/') === true;
    if (!isRoute) return [];
    return routeDetections(route, file.imports('express') ? 'Express' : 'HTTP');
  },
};
