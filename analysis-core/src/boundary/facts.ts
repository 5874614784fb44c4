/**
 * Per-file facts, extracted once per file version with one walk over the
 * syntax tree: imports, exports, functions with their call sites, entry points
 * and the file's `@plane` comment. Rules and the call graph work from these;
 * a change to one file only re-extracts that file.
 */
import { ts } from 'ts-morph';
import { isPlane } from './planes';
import { walkSyntaxWith } from './syntaxWalk';
import type { Plane, Range } from './types';

export interface ImportFact {
  specifier: string;
  /** The range of the whole import (declaration, require call or export-from). */
  range: Range;
  start: number;
  end: number;
  /** `import type` / `export type`: no code runs, so no boundary is crossed. */
  typeOnly: boolean;
  /** Local binding name -> imported name ("default", "*" for a namespace, or the export's name). */
  bindings: Map<string, string>;
  /** For `export {a as b} from`: exported name -> imported name; "*" for `export * from`. */
  reexports: Map<string, string> | '*' | undefined;
}

export type CallTarget =
  | { kind: 'local'; key: string }
  | { kind: 'import'; importIndex: number; name: string; member: string | undefined }
  | { kind: 'global'; name: string }
  | { kind: 'unknown' };

export interface CallFact {
  target: CallTarget;
  /** The callee as written, e.g. "reports.generate". */
  calleeText: string;
  range: Range;
  start: number;
  end: number;
  isNew: boolean;
}

export interface FunctionFact {
  /** Unique in the file and stable across unrelated edits: "handler", "OrderController.create", "GET /orders". */
  key: string;
  range: Range;
  start: number;
  end: number;
  /** Why this function runs on a request path, when it is a recognised entry point. */
  entry: string | undefined;
  /** From a JSDoc `@plane` tag. */
  planeTag: Plane | undefined;
  params: string[];
  calls: CallFact[];
}

/** A function of this or another file that this file registers as a handler (`app.get('/x', handleX)`). */
export interface EntryReference {
  target: CallTarget;
  reason: string;
}

export type ExportTarget =
  | { kind: 'local'; key: string }
  | { kind: 'reexport'; importIndex: number; name: string }
  /** A variable; `constant` when it holds a literal (a version string, a limit): calling its methods runs no analysis. */
  | { kind: 'value'; constant: boolean };

export interface FileFacts {
  file: string;
  planeComment: Plane | undefined;
  imports: ImportFact[];
  /** Exported name -> what it is. */
  exports: Map<string, ExportTarget>;
  /** Import indexes of `export * from`. */
  starExports: number[];
  functions: Map<string, FunctionFact>;
  entryReferences: EntryReference[];
}

export const MODULE_FUNCTION = '<module>';

const ROUTE_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'del', 'all', 'options', 'head', 'any']);
const ROUTER_NAMES = /^(app|router|server|api|fastify|hono|koa|routes?|instance)$/i;
const NEST_ROUTE_DECORATORS = new Set(['Get', 'Post', 'Put', 'Patch', 'Delete', 'All', 'Options', 'Head', 'Sse', 'MessagePattern', 'EventPattern']);
const HTTP_MODULES = new Set(['http', 'https', 'http2', 'node:http', 'node:https', 'node:http2']);
export const RUNTIME_GLOBALS = new Set(['fetch', 'WebSocket', 'XMLHttpRequest', 'EventSource']);

export function planeComment(source: ts.SourceFile): Plane | undefined {
  const text = source.text;
  const first = source.statements[0];
  const limit = first === undefined ? text.length : first.getStart(source);
  // Only a line comment declares the file's plane; a JSDoc block there belongs to the first declaration.
  const match = /^[ \t]*\/\/[ \t]*@plane[ \t]+([a-z]+)/m.exec(text.slice(0, limit));
  return match !== null && isPlane(match[1]!) ? match[1] : undefined;
}

function jsdocPlane(node: ts.Node): Plane | undefined {
  for (const tag of ts.getJSDocTags(node)) {
    if (tag.tagName.text !== 'plane') continue;
    const comment = typeof tag.comment === 'string' ? tag.comment : (tag.comment?.map((part) => part.text).join('') ?? '');
    const word = comment.trim().split(/\s+/)[0] ?? '';
    if (isPlane(word)) return word;
  }
  return undefined;
}

function stringValue(node: ts.Node | undefined): string | undefined {
  if (node === undefined) return undefined;
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) return node.head.text;
  return undefined;
}

function isFunctionLike(node: ts.Node): node is ts.ArrowFunction | ts.FunctionExpression {
  return ts.isArrowFunction(node) || ts.isFunctionExpression(node);
}

function isLiteral(expression: ts.Expression): boolean {
  // A loop, not recursion: `x as A as B as …` chains are as long as the input.
  let node = expression;
  while (ts.isAsExpression(node) || ts.isSatisfiesExpression(node) || ts.isParenthesizedExpression(node)) node = node.expression;
  return (
    ts.isStringLiteralLike(node) ||
    ts.isNumericLiteral(node) ||
    ts.isTemplateExpression(node) ||
    ts.isRegularExpressionLiteral(node) ||
    node.kind === ts.SyntaxKind.TrueKeyword ||
    node.kind === ts.SyntaxKind.FalseKeyword ||
    (ts.isArrayLiteralExpression(node) && node.elements.every((element) => isLiteral(element)))
  );
}

function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node)?.some((modifier) => modifier.kind === kind) ?? false);
}

function decoratorName(decorator: ts.Decorator): string | undefined {
  const expression = ts.isCallExpression(decorator.expression) ? decorator.expression.expression : decorator.expression;
  return ts.isIdentifier(expression) ? expression.text : undefined;
}

function decorators(node: ts.Node): string[] {
  if (!ts.canHaveDecorators(node)) return [];
  return (ts.getDecorators(node) ?? []).map(decoratorName).filter((name): name is string => name !== undefined);
}

/** Members whose class is known from the declaration: parameter properties, typed or `new X()`-initialised properties. */
function memberTypes(node: ts.ClassDeclaration): Map<string, string> {
  const types = new Map<string, string>();
  const typeName = (type: ts.TypeNode | undefined): string | undefined =>
    type !== undefined && ts.isTypeReferenceNode(type) && ts.isIdentifier(type.typeName) ? type.typeName.text : undefined;
  for (const member of node.members) {
    if (ts.isConstructorDeclaration(member)) {
      for (const parameter of member.parameters) {
        const isProperty = (ts.getModifiers(parameter)?.length ?? 0) > 0;
        const name = typeName(parameter.type);
        if (isProperty && ts.isIdentifier(parameter.name) && name !== undefined) types.set(parameter.name.text, name);
      }
    } else if (ts.isPropertyDeclaration(member) && ts.isIdentifier(member.name)) {
      const constructed = member.initializer !== undefined && ts.isNewExpression(member.initializer) && ts.isIdentifier(member.initializer.expression) ? member.initializer.expression.text : undefined;
      const name = typeName(member.type) ?? constructed;
      if (name !== undefined) types.set(member.name.text, name);
    }
  }
  return types;
}

function paramNames(node: ts.SignatureDeclarationBase): string[] {
  return node.parameters.map((parameter, index) => (ts.isIdentifier(parameter.name) ? parameter.name.text : `arg${index}`));
}

export function extractFacts(file: string, source: ts.SourceFile): FileFacts {
  const rangeOf = (start: number, end: number): Range => ({
    start: source.getLineAndCharacterOfPosition(start),
    end: source.getLineAndCharacterOfPosition(end),
  });
  const facts: FileFacts = {
    file,
    planeComment: planeComment(source),
    imports: [],
    exports: new Map(),
    starExports: [],
    functions: new Map(),
    entryReferences: [],
  };
  /** Local binding -> import index. */
  const importedBindings = new Map<string, number>();
  const localFunctions = new Set<string>();
  /** Class -> injected or constructed member -> its class name (NestJS-style `constructor(private reports: ReportService)`). */
  const classMemberTypes = new Map<string, Map<string, string>>();
  const httpBindings = new Set<string>();

  const addImport = (specifier: string, node: ts.Node, typeOnly: boolean, bindings: Map<string, string>, reexports: ImportFact['reexports']): number => {
    const start = node.getStart(source);
    facts.imports.push({ specifier, range: rangeOf(start, node.getEnd()), start, end: node.getEnd(), typeOnly, bindings, reexports });
    const index = facts.imports.length - 1;
    if (!typeOnly) {
      for (const local of bindings.keys()) {
        importedBindings.set(local, index);
        if (HTTP_MODULES.has(specifier)) httpBindings.add(local);
      }
    }
    return index;
  };

  // Pass 1: imports, exports and the names of local functions, so calls resolve in any order.
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
      const clause = statement.importClause;
      const bindings = new Map<string, string>();
      if (clause?.name !== undefined) bindings.set(clause.name.text, 'default');
      const named = clause?.namedBindings;
      if (named !== undefined && ts.isNamespaceImport(named)) bindings.set(named.name.text, '*');
      if (named !== undefined && ts.isNamedImports(named)) {
        for (const element of named.elements) {
          if (element.isTypeOnly) continue;
          bindings.set(element.name.text, (element.propertyName ?? element.name).text);
        }
      }
      const typeOnly = clause?.isTypeOnly === true || (clause !== undefined && bindings.size === 0 && named !== undefined && ts.isNamedImports(named) && named.elements.length > 0);
      addImport(statement.moduleSpecifier.text, statement, typeOnly, bindings, undefined);
    } else if (ts.isImportEqualsDeclaration(statement) && ts.isExternalModuleReference(statement.moduleReference)) {
      const specifier = stringValue(statement.moduleReference.expression);
      if (specifier !== undefined) addImport(specifier, statement, statement.isTypeOnly, new Map([[statement.name.text, '*']]), undefined);
    } else if (ts.isExportDeclaration(statement)) {
      const specifier = statement.moduleSpecifier !== undefined ? stringValue(statement.moduleSpecifier) : undefined;
      const clause = statement.exportClause;
      if (specifier !== undefined) {
        if (clause === undefined) {
          facts.starExports.push(addImport(specifier, statement, statement.isTypeOnly, new Map(), '*'));
        } else if (ts.isNamespaceExport(clause)) {
          const index = addImport(specifier, statement, statement.isTypeOnly, new Map(), new Map([[clause.name.text, '*']]));
          facts.exports.set(clause.name.text, { kind: 'reexport', importIndex: index, name: '*' });
        } else {
          const reexports = new Map<string, string>();
          for (const element of clause.elements) reexports.set(element.name.text, (element.propertyName ?? element.name).text);
          const index = addImport(specifier, statement, statement.isTypeOnly, new Map(), reexports);
          for (const [exported, imported] of reexports) facts.exports.set(exported, { kind: 'reexport', importIndex: index, name: imported });
        }
      } else if (clause !== undefined && ts.isNamedExports(clause)) {
        for (const element of clause.elements) {
          const local = (element.propertyName ?? element.name).text;
          const importIndex = importedBindings.get(local);
          const target: ExportTarget =
            importIndex !== undefined ? { kind: 'reexport', importIndex, name: facts.imports[importIndex]!.bindings.get(local)! } : { kind: 'local', key: local };
          facts.exports.set(element.name.text, target);
        }
      }
    } else if (ts.isFunctionDeclaration(statement) && statement.name !== undefined) {
      localFunctions.add(statement.name.text);
      if (hasModifier(statement, ts.SyntaxKind.ExportKeyword)) {
        const exported = hasModifier(statement, ts.SyntaxKind.DefaultKeyword) ? 'default' : statement.name.text;
        facts.exports.set(exported, { kind: 'local', key: statement.name.text });
      }
    } else if (ts.isClassDeclaration(statement) && statement.name !== undefined) {
      classMemberTypes.set(statement.name.text, memberTypes(statement));
      if (hasModifier(statement, ts.SyntaxKind.ExportKeyword)) {
        const exported = hasModifier(statement, ts.SyntaxKind.DefaultKeyword) ? 'default' : statement.name.text;
        facts.exports.set(exported, { kind: 'local', key: statement.name.text });
      }
    } else if (ts.isVariableStatement(statement)) {
      const exported = hasModifier(statement, ts.SyntaxKind.ExportKeyword);
      for (const declaration of statement.declarationList.declarations) {
        if (!ts.isIdentifier(declaration.name)) continue;
        const name = declaration.name.text;
        const init = declaration.initializer;
        if (init !== undefined && isFunctionLike(init)) localFunctions.add(name);
        if (exported) facts.exports.set(name, init !== undefined && isFunctionLike(init) ? { kind: 'local', key: name } : { kind: 'value', constant: init !== undefined && isLiteral(init) });
        // const x = require('y')
        if (init !== undefined && ts.isCallExpression(init) && ts.isIdentifier(init.expression) && init.expression.text === 'require') {
          const specifier = stringValue(init.arguments[0]);
          if (specifier !== undefined) addImport(specifier, statement, false, new Map([[name, '*']]), undefined);
        }
      }
    } else if (ts.isExportAssignment(statement) && ts.isIdentifier(statement.expression)) {
      facts.exports.set('default', { kind: 'local', key: statement.expression.text });
    }
  }

  const resolveCallee = (expression: ts.Expression, classKey: string | undefined): CallTarget => {
    if (ts.isIdentifier(expression)) {
      const name = expression.text;
      if (localFunctions.has(name)) return { kind: 'local', key: name };
      const importIndex = importedBindings.get(name);
      if (importIndex !== undefined) return { kind: 'import', importIndex, name: facts.imports[importIndex]!.bindings.get(name)!, member: undefined };
      if (RUNTIME_GLOBALS.has(name)) return { kind: 'global', name };
      return { kind: 'unknown' };
    }
    if (ts.isPropertyAccessExpression(expression)) {
      const member = expression.name.text;
      let root: ts.Expression = expression.expression;
      while (ts.isPropertyAccessExpression(root) || ts.isCallExpression(root) || ts.isNonNullExpression(root) || ts.isParenthesizedExpression(root)) {
        root = ts.isCallExpression(root) ? root.expression : root.expression;
      }
      if (root.kind === ts.SyntaxKind.ThisKeyword && classKey !== undefined && expression.expression.kind === ts.SyntaxKind.ThisKeyword) {
        return { kind: 'local', key: `${classKey}.${member}` };
      }
      // this.reports.generate(): a method of the member's class.
      const receiver = expression.expression;
      if (classKey !== undefined && ts.isPropertyAccessExpression(receiver) && receiver.expression.kind === ts.SyntaxKind.ThisKeyword) {
        const typeName = classMemberTypes.get(classKey)?.get(receiver.name.text);
        if (typeName !== undefined) {
          const importIndex = importedBindings.get(typeName);
          if (importIndex !== undefined) return { kind: 'import', importIndex, name: facts.imports[importIndex]!.bindings.get(typeName)!, member };
          if (classMemberTypes.has(typeName)) return { kind: 'local', key: `${typeName}.${member}` };
        }
      }
      if (ts.isIdentifier(root)) {
        const importIndex = importedBindings.get(root.text);
        if (importIndex !== undefined) {
          const imported = facts.imports[importIndex]!.bindings.get(root.text)!;
          const direct = expression.expression === root;
          if (imported === '*' && direct) return { kind: 'import', importIndex, name: member, member: undefined };
          return { kind: 'import', importIndex, name: imported, member };
        }
        if (RUNTIME_GLOBALS.has(root.text)) return { kind: 'global', name: root.text };
      }
    }
    return { kind: 'unknown' };
  };

  const functionsSeen = new Map<string, number>();
  const uniqueKey = (key: string): string => {
    const count = (functionsSeen.get(key) ?? 0) + 1;
    functionsSeen.set(key, count);
    return count === 1 ? key : `${key}#${count}`;
  };
  const newFunction = (key: string, node: ts.Node, entry: string | undefined, params: string[]): FunctionFact => {
    const start = node.getStart(source);
    const fact: FunctionFact = { key: uniqueKey(key), range: rangeOf(start, node.getEnd()), start, end: node.getEnd(), entry, planeTag: jsdocPlane(node), params, calls: [] };
    facts.functions.set(fact.key, fact);
    return fact;
  };

  const moduleFunction = newFunction(MODULE_FUNCTION, source, undefined, []);
  moduleFunction.range = rangeOf(0, 0);

  /** Callbacks given to route registrations become entry functions of their own, named after the route. */
  const routeCallbacks = new Map<ts.Node, string>();

  const noteRouteRegistration = (call: ts.CallExpression): void => {
    const callee = call.expression;
    if (ts.isPropertyAccessExpression(callee)) {
      const method = callee.name.text;
      const receiver = callee.expression;
      const receiverName = ts.isIdentifier(receiver) ? receiver.text : ts.isPropertyAccessExpression(receiver) ? receiver.name.text : '';
      const routePath = stringValue(call.arguments[0]);
      const isRoute =
        (ROUTE_METHODS.has(method.toLowerCase()) && routePath !== undefined && routePath.startsWith('/')) ||
        (method === 'use' && (ROUTER_NAMES.test(receiverName) || routePath?.startsWith('/') === true));
      if (isRoute) {
        const label = `${method.toUpperCase()} ${routePath ?? '*'}`;
        for (const argument of call.arguments) {
          if (isFunctionLike(argument)) routeCallbacks.set(argument, label);
          else if (ts.isIdentifier(argument) || ts.isPropertyAccessExpression(argument)) {
            facts.entryReferences.push({ target: resolveCallee(argument, undefined), reason: `route handler for ${label}` });
          }
        }
        return;
      }
      if (method === 'route' && call.arguments[0] !== undefined && ts.isObjectLiteralExpression(call.arguments[0])) {
        const options = call.arguments[0];
        const url = options.properties.find((property) => ts.isPropertyAssignment(property) && property.name.getText(source) === 'url');
        const label = `route ${url !== undefined && ts.isPropertyAssignment(url) ? (stringValue(url.initializer) ?? '') : ''}`.trim();
        for (const property of options.properties) {
          if (ts.isPropertyAssignment(property) && property.name.getText(source) === 'handler') {
            if (isFunctionLike(property.initializer)) routeCallbacks.set(property.initializer, label);
            else facts.entryReferences.push({ target: resolveCallee(property.initializer, undefined), reason: `route handler for ${label}` });
          } else if (ts.isMethodDeclaration(property) && property.name.getText(source) === 'handler') {
            routeCallbacks.set(property, label);
          }
        }
        return;
      }
    }
    const createServer =
      (ts.isPropertyAccessExpression(callee) && callee.name.text === 'createServer' && ts.isIdentifier(callee.expression) && httpBindings.has(callee.expression.text)) ||
      (ts.isIdentifier(callee) && callee.text === 'createServer' && httpBindings.has('createServer'));
    if (createServer) {
      for (const argument of call.arguments) {
        if (isFunctionLike(argument)) routeCallbacks.set(argument, 'http.createServer');
        else if (ts.isIdentifier(argument)) facts.entryReferences.push({ target: resolveCallee(argument, undefined), reason: 'request listener of http.createServer' });
      }
    }
  };

  interface Enclosing {
    current: FunctionFact;
    classKey: string | undefined;
    controller: boolean;
  }
  const visit = (node: ts.Node, { current, classKey, controller }: Enclosing): Enclosing => {
    let next = current;
    let nextClass = classKey;
    let nextController = controller;
    if (ts.isClassDeclaration(node) || ts.isClassExpression(node)) {
      nextClass = node.name?.text ?? classKey ?? 'class';
      nextController = decorators(node).includes('Controller');
    } else if (ts.isFunctionDeclaration(node) && node.name !== undefined && node.body !== undefined) {
      const isLambda = node.name.text === 'handler' && hasModifier(node, ts.SyntaxKind.ExportKeyword) && node.parent === source;
      next = newFunction(node.name.text, node, isLambda ? 'AWS Lambda handler' : undefined, paramNames(node));
    } else if ((ts.isMethodDeclaration(node) || ts.isConstructorDeclaration(node) || ts.isGetAccessorDeclaration(node)) && node.body !== undefined && routeCallbacks.get(node) === undefined) {
      const methodName = ts.isConstructorDeclaration(node) ? 'constructor' : node.name.getText(source);
      const route = decorators(node).find((name) => NEST_ROUTE_DECORATORS.has(name));
      const entry = controller && route !== undefined ? `NestJS @${route} handler` : undefined;
      next = newFunction(nextClass !== undefined && !ts.isObjectLiteralExpression(node.parent) ? `${nextClass}.${methodName}` : methodName, node, entry, paramNames(node));
    } else if (routeCallbacks.has(node)) {
      const label = routeCallbacks.get(node)!;
      next = newFunction(label, node, label === 'http.createServer' ? 'request listener of http.createServer' : `route handler for ${label}`, paramNames(node as ts.SignatureDeclarationBase));
    } else if (isFunctionLike(node) && ts.isVariableDeclaration(node.parent) && ts.isIdentifier(node.parent.name) && node.parent.initializer === node) {
      const name = node.parent.name.text;
      const statement = node.parent.parent.parent;
      const isLambda = name === 'handler' && ts.isVariableStatement(statement) && hasModifier(statement, ts.SyntaxKind.ExportKeyword);
      next = newFunction(name, isLambda ? statement : node.parent, isLambda ? 'AWS Lambda handler' : undefined, paramNames(node));
    } else if (ts.isPropertyDeclaration(node) && node.initializer !== undefined && isFunctionLike(node.initializer) && nextClass !== undefined) {
      next = newFunction(`${nextClass}.${node.name.getText(source)}`, node, undefined, paramNames(node.initializer));
    }

    if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
      if (ts.isCallExpression(node)) noteRouteRegistration(node);
      const target = resolveCallee(node.expression, nextClass);
      const isRequire = ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'require';
      const isDynamicImport = ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword;
      if ((isRequire || isDynamicImport) && node.parent !== undefined) {
        const specifier = stringValue(node.arguments?.[0]);
        const alreadyRecorded = facts.imports.some((fact) => fact.start <= node.getStart(source) && fact.end >= node.getEnd());
        if (specifier !== undefined && !alreadyRecorded) addImport(specifier, node, false, new Map(), undefined);
      } else {
        const start = node.getStart(source);
        next.calls.push({ target, calleeText: node.expression.getText(source), range: rangeOf(start, node.getEnd()), start, end: node.getEnd(), isNew: ts.isNewExpression(node) });
      }
    }
    return { current: next, classKey: nextClass, controller: nextController };
  };
  for (const statement of source.statements) walkSyntaxWith(statement, { current: moduleFunction, classKey: undefined, controller: false }, visit);
  return facts;
}
