/** Fastify: `fastify.get('/x', opts, handler)`, hooks on routes and `fastify.route({ method, url, handler })`. */
import { ts } from '../compiler';
import { handlerOf, HTTP_METHOD_NAMES, routeCall, routeDetections, stringValue } from './syntax';
import type { Detection, FrameworkAdapter } from './types';

/** Route options whose functions run for each request. */
const ROUTE_FUNCTIONS = ['handler', 'preHandler', 'onRequest', 'preValidation', 'preParsing'];

function propertyValue(options: ts.ObjectLiteralExpression, name: string): ts.Expression | ts.MethodDeclaration | undefined {
  for (const property of options.properties) {
    if (property.name === undefined || !(ts.isIdentifier(property.name) || ts.isStringLiteral(property.name)) || property.name.text !== name) continue;
    if (ts.isPropertyAssignment(property)) return property.initializer;
    if (ts.isMethodDeclaration(property)) return property;
    if (ts.isShorthandPropertyAssignment(property)) return property.name;
  }
  return undefined;
}

export const fastifyAdapter: FrameworkAdapter = {
  id: 'fastify',
  appliesTo: (file) => file.imports('fastify'),
  detect(node) {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'route') {
      const options = node.arguments[0];
      if (options === undefined || !ts.isObjectLiteralExpression(options)) return [];
      const method = propertyValue(options, 'method');
      const url = propertyValue(options, 'url');
      const label = `${(method !== undefined && !ts.isMethodDeclaration(method) ? stringValue(method) : undefined) ?? '*'} ${(url !== undefined && !ts.isMethodDeclaration(url) ? stringValue(url) : undefined) ?? '*'}`;
      const detections: Detection[] = [];
      for (const name of ROUTE_FUNCTIONS) {
        const value = propertyValue(options, name);
        const reason = `Fastify ${name === 'handler' ? 'route handler' : `${name} hook`} (${label})`;
        if (value === undefined) continue;
        const found = ts.isMethodDeclaration(value) ? ({ kind: 'function', node: value, reason, key: label } as const) : handlerOf(value, reason, label);
        if (found !== undefined) detections.push(found);
      }
      return detections;
    }
    const route = routeCall(node, HTTP_METHOD_NAMES);
    if (route === undefined || route.path?.startsWith('/') !== true) return [];
    // The options object between the path and the handler is not a function.
    return routeDetections({ ...route, handlers: route.handlers.filter((handler) => !ts.isObjectLiteralExpression(handler)) }, 'Fastify');
  },
};
