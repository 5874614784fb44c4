/**
 * A project's own route registration: any call given an object with a
 * `handler` (or `handle`, `resolve`) next to `method`, `path`, `route` or
 * `url`, e.g. `this.route({ method: 'GET', path: '/x', handler: this.getX })`.
 */
import { ts } from '../compiler';
import { handlerOf, stringValue } from './syntax';
import type { Detection, FrameworkAdapter } from './types';

const HANDLER_KEYS = ['handler', 'handle', 'resolve'];
const ROUTE_KEYS = ['method', 'path', 'route', 'url'];

function properties(options: ts.ObjectLiteralExpression): Map<string, ts.ObjectLiteralElementLike> {
  const byName = new Map<string, ts.ObjectLiteralElementLike>();
  for (const property of options.properties) {
    if (property.name !== undefined && (ts.isIdentifier(property.name) || ts.isStringLiteral(property.name))) byName.set(property.name.text, property);
  }
  return byName;
}

function text(property: ts.ObjectLiteralElementLike | undefined): string | undefined {
  return property !== undefined && ts.isPropertyAssignment(property) ? stringValue(property.initializer) : undefined;
}

export const wrapperAdapter: FrameworkAdapter = {
  id: 'wrapper',
  appliesTo: () => true,
  detect(node) {
    if (!ts.isCallExpression(node)) return [];
    const detections: Detection[] = [];
    for (const argument of node.arguments) {
      if (!ts.isObjectLiteralExpression(argument)) continue;
      const byName = properties(argument);
      if (!ROUTE_KEYS.some((key) => byName.has(key))) continue;
      const handlerKey = HANDLER_KEYS.find((key) => byName.has(key));
      if (handlerKey === undefined) continue;
      const method = text(byName.get('method'));
      const path = text(byName.get('path')) ?? text(byName.get('url')) ?? text(byName.get('route'));
      const label = [method?.toUpperCase(), path].filter((part) => part !== undefined).join(' ') || 'route';
      const reason = `route handler (${label})`;
      const handler = byName.get(handlerKey)!;
      if (ts.isMethodDeclaration(handler) && handler.body !== undefined) detections.push({ kind: 'function', node: handler, reason, key: label });
      else if (ts.isShorthandPropertyAssignment(handler)) detections.push({ kind: 'reference', expression: handler.name, reason });
      else if (ts.isPropertyAssignment(handler)) {
        const found = handlerOf(handler.initializer, reason, label);
        if (found !== undefined) detections.push(found);
      }
    }
    return detections;
  },
};
