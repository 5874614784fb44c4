/** Small syntax helpers the adapters share. */
import { ts } from '../compiler';
import type { Detection, EntryDetection } from './types';

export function stringValue(node: ts.Node | undefined): string | undefined {
  if (node === undefined) return undefined;
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) return node.head.text;
  return undefined;
}

export function isFunctionLike(node: ts.Node): node is ts.ArrowFunction | ts.FunctionExpression {
  return ts.isArrowFunction(node) || ts.isFunctionExpression(node);
}

export function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node)?.some((modifier) => modifier.kind === kind) ?? false);
}

export function decoratorNames(node: ts.Node): string[] {
  if (!ts.canHaveDecorators(node)) return [];
  const names: string[] = [];
  for (const decorator of ts.getDecorators(node) ?? []) {
    const expression = ts.isCallExpression(decorator.expression) ? decorator.expression.expression : decorator.expression;
    if (ts.isIdentifier(expression)) names.push(expression.text);
  }
  return names;
}

/** Strips `x as T`, `x satisfies T`, `(x)` and `x!`. */
export function unwrap(node: ts.Expression): ts.Expression {
  let current = node;
  while (ts.isAsExpression(current) || ts.isSatisfiesExpression(current) || ts.isParenthesizedExpression(current) || ts.isNonNullExpression(current)) current = current.expression;
  return current;
}

/**
 * The handler inside a value: the function itself, or the function given to
 * wrappers like `withAuth(async (req) => …)` or `middy(handler)` (the last
 * function argument, through nested wrappers); an identifier is a reference.
 */
export function handlerOf(value: ts.Expression, reason: string, key?: string): Detection | undefined {
  const expression = unwrap(value);
  if (isFunctionLike(expression)) return { kind: 'function', node: expression, reason, key };
  if (ts.isIdentifier(expression) || ts.isPropertyAccessExpression(expression)) return { kind: 'reference', expression, reason };
  if (ts.isCallExpression(expression)) {
    for (let index = expression.arguments.length - 1; index >= 0; index--) {
      const found = handlerOf(expression.arguments[index]!, reason, key);
      if (found !== undefined) return found;
    }
    // middy(handler).use(cors()): the handler is in the call the chain starts from.
    if (ts.isPropertyAccessExpression(expression.expression) && ts.isCallExpression(expression.expression.expression)) return handlerOf(expression.expression.expression, reason, key);
  }
  return undefined;
}

/** Exported functions and variables of a module by name, with the node that holds each one's value. */
export function exportedValue(node: ts.Node, names: ReadonlySet<string>): { name: string; value: ts.Node } | undefined {
  if (!(node.parent !== undefined && ts.isSourceFile(node.parent))) return undefined;
  if (ts.isFunctionDeclaration(node) && node.name !== undefined && hasModifier(node, ts.SyntaxKind.ExportKeyword) && names.has(node.name.text)) {
    return { name: node.name.text, value: node };
  }
  if (ts.isVariableStatement(node) && hasModifier(node, ts.SyntaxKind.ExportKeyword)) {
    for (const declaration of node.declarationList.declarations) {
      if (ts.isIdentifier(declaration.name) && names.has(declaration.name.text) && declaration.initializer !== undefined) {
        return { name: declaration.name.text, value: declaration.initializer };
      }
    }
  }
  return undefined;
}

/** Every exported function or variable of `node` (a top-level statement) whose name is in `names`. */
export function exportedHandlers(node: ts.Node, names: ReadonlySet<string>, reason: (name: string) => string): Detection[] {
  const detections: Detection[] = [];
  if (!(node.parent !== undefined && ts.isSourceFile(node.parent))) return detections;
  if (ts.isFunctionDeclaration(node) && node.name !== undefined && node.body !== undefined && hasModifier(node, ts.SyntaxKind.ExportKeyword) && names.has(node.name.text)) {
    detections.push({ kind: 'function', node, reason: reason(node.name.text) });
  } else if (ts.isVariableStatement(node) && hasModifier(node, ts.SyntaxKind.ExportKeyword)) {
    for (const declaration of node.declarationList.declarations) {
      if (!ts.isIdentifier(declaration.name) || declaration.initializer === undefined || !names.has(declaration.name.text)) continue;
      const found = handlerOf(declaration.initializer, reason(declaration.name.text), declaration.name.text);
      if (found !== undefined) detections.push(found);
    }
  } else if (ts.isExportDeclaration(node) && node.moduleSpecifier === undefined && node.exportClause !== undefined && ts.isNamedExports(node.exportClause)) {
    // export { handle as GET }
    for (const element of node.exportClause.elements) {
      if (names.has(element.name.text)) detections.push({ kind: 'reference', expression: element.propertyName !== undefined && ts.isIdentifier(element.propertyName) ? element.propertyName : element.name, reason: reason(element.name.text) });
    }
  }
  return detections;
}

export const HTTP_METHOD_NAMES = new Set(['get', 'post', 'put', 'patch', 'delete', 'del', 'all', 'options', 'head']);

/** `app.get('/orders', auth, handler)`: method, path and the functions registered, middleware first. */
export interface RouteCall {
  method: string;
  path: string | undefined;
  receiver: string;
  handlers: ts.Expression[];
}

function receiverName(expression: ts.Expression): string {
  if (ts.isIdentifier(expression)) return expression.text;
  if (ts.isPropertyAccessExpression(expression)) return expression.name.text;
  if (ts.isCallExpression(expression)) return receiverName(expression.expression);
  return '';
}

export function routeCall(node: ts.Node, methods: ReadonlySet<string>): RouteCall | undefined {
  if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression)) return undefined;
  const method = node.expression.name.text;
  if (!methods.has(method.toLowerCase())) return undefined;
  const path = stringValue(node.arguments[0]);
  const handlers = node.arguments.filter((argument, index) => !(index === 0 && path !== undefined) && (isFunctionLike(argument) || ts.isIdentifier(argument) || ts.isPropertyAccessExpression(argument) || ts.isCallExpression(argument)));
  return { method, path, receiver: receiverName(node.expression.expression), handlers };
}

/**
 * Detections for a route's functions: the last one is the handler, the
 * others are middleware, which runs on the same request path.
 */
export function routeDetections(route: RouteCall, framework: string): Detection[] {
  const label = `${route.method.toUpperCase()} ${route.path ?? '*'}`;
  const detections: Detection[] = [];
  route.handlers.forEach((handler, index) => {
    const role = index === route.handlers.length - 1 ? 'route handler' : 'middleware';
    const found = ts.isCallExpression(handler) ? functionArgument(handler, `${framework} ${role} (${label})`, label) : handlerOf(handler, `${framework} ${role} (${label})`, label);
    if (found !== undefined) detections.push(found);
  });
  return detections;
}

/** A call among route arguments (`asyncHandler(async (req, res) => …)`) wraps a handler only when it is given a function. */
function functionArgument(call: ts.CallExpression, reason: string, key: string): EntryDetection | undefined {
  for (const argument of call.arguments) {
    const inner = unwrap(argument);
    if (isFunctionLike(inner)) return { kind: 'function', node: inner, reason, key };
  }
  return undefined;
}
