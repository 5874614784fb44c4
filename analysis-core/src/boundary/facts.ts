/**
 * Per-file facts, extracted once per file version with one walk over the
 * syntax tree: imports, exports, functions with their call sites, entry points
 * and the file's `@plane` comment. Rules and the call graph work from these;
 * a change to one file only re-extracts that file.
 */
import { ts } from './compiler';
import { detectEntries, fileContext, frameworkAdapters } from './frameworks';
import { hasModifier, isFunctionLike, stringValue, unwrap } from './frameworks/syntax';
import { hasUseClientDirective, isPlane } from './planes';
import { SKIP_CHILDREN, walkSyntaxWith } from './syntaxWalk';
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
  /** A method of a value whose class is only known through a factory: `const x = createX(); x.run()`. */
  | { kind: 'member'; origin: ValueOrigin; member: string }
  | { kind: 'global'; name: string }
  | { kind: 'unknown' };

/** Where a value comes from, so that calls of its methods resolve: `new C()`, or whatever a factory returns. */
export type ValueOrigin = { kind: 'instance'; of: CallTarget } | { kind: 'result'; of: CallTarget };

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
  /** What the function returns when it is a factory (`return new C()`). */
  returns?: ValueOrigin;
}

/** A function of this or another file that this file registers as a handler (`app.get('/x', handleX)`). */
export interface EntryReference {
  target: CallTarget;
  reason: string;
  /** Where the handler is registered (the reference to it). */
  range: Range;
}

export type ExportTarget =
  | { kind: 'local'; key: string }
  | { kind: 'reexport'; importIndex: number; name: string }
  /** A variable; `constant` when it holds a literal (a version string, a limit): calling its methods runs no analysis. */
  | { kind: 'value'; constant: boolean; origin?: ValueOrigin };

export interface FileFacts {
  file: string;
  planeComment: Plane | undefined;
  /** Starts with a `'use client'` directive: browser code. */
  useClient: boolean;
  imports: ImportFact[];
  /** Exported name -> what it is. */
  exports: Map<string, ExportTarget>;
  /** Import indexes of `export * from`. */
  starExports: number[];
  functions: Map<string, FunctionFact>;
  entryReferences: EntryReference[];
  /** Why this file handles requests (one reason per handler it defines or registers); empty when it does not. */
  requestHandlers: string[];
}

export const MODULE_FUNCTION = '<module>';

/** Globals that reach live systems; `$fetch` is the global of Nuxt and Nitro (ofetch). */
export const RUNTIME_GLOBALS = new Set(['fetch', '$fetch', 'WebSocket', 'XMLHttpRequest', 'EventSource']);

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

function isRequireCall(expression: ts.Expression): expression is ts.CallExpression {
  return ts.isCallExpression(expression) && ts.isIdentifier(expression.expression) && expression.expression.text === 'require';
}

/**
 * Syntax that holds only types: type annotations and arguments, interfaces,
 * type aliases, `implements` clauses and the import declarations themselves.
 * A decorated class's member and constructor parameter types are not: the
 * compiler writes them out as values (decorator metadata, which NestJS
 * injection reads).
 */
function isTypeOnlySyntax(node: ts.Node): boolean {
  if (ts.isImportDeclaration(node) || ts.isImportEqualsDeclaration(node) || ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) return true;
  if (ts.isHeritageClause(node)) return node.token === ts.SyntaxKind.ImplementsKeyword;
  return ts.isTypeNode(node) && !ts.isExpressionWithTypeArguments(node) && !isDecoratorMetadata(node);
}

function isDecoratorMetadata(type: ts.TypeNode): boolean {
  const owner = type.parent;
  if (!(ts.isParameter(owner) || ts.isPropertyDeclaration(owner) || ts.isMethodDeclaration(owner) || ts.isAccessor(owner))) return false;
  const member = ts.isParameter(owner) ? owner.parent : owner;
  const decorated = (node: ts.Node) => ts.canHaveDecorators(node) && (ts.getDecorators(node)?.length ?? 0) > 0;
  return decorated(owner) || decorated(member) || (member.parent !== undefined && decorated(member.parent));
}

/**
 * `data` in `(data) => api.post('/v1/login', data)`: a parameter of an
 * enclosing function is a value handed on (an HTTP client's request body),
 * not a handler, when it names no function of the file.
 */
function isParameterInScope(identifier: ts.Identifier): boolean {
  const bindsName = (name: ts.BindingName): boolean =>
    ts.isIdentifier(name) ? name.text === identifier.text : name.elements.some((element) => !ts.isOmittedExpression(element) && bindsName(element.name));
  for (let node: ts.Node | undefined = identifier.parent; node !== undefined; node = node.parent) {
    if (ts.isFunctionLike(node) && node.parameters.some((parameter) => bindsName(parameter.name))) return true;
  }
  return false;
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
    useClient: hasUseClientDirective(source.text),
    imports: [],
    exports: new Map(),
    starExports: [],
    functions: new Map(),
    entryReferences: [],
    requestHandlers: [],
  };
  /** Local binding -> import index. */
  const importedBindings = new Map<string, number>();
  const localFunctions = new Set<string>();
  /** Class -> injected or constructed member -> where its value comes from (NestJS-style `constructor(private reports: ReportService)`). */
  const classMemberOrigins = new Map<string, Map<string, ValueOrigin>>();
  const classDeclarations: ts.ClassDeclaration[] = [];
  /** Module-level values with a known class or factory: `const analyzer = new Analyzer()`. */
  const moduleValues = new Map<string, ValueOrigin>();
  /** Values declared inside functions, by function. */
  const functionValues = new Map<FunctionFact, Map<string, ValueOrigin>>();
  /** Destructured members: `const { summarize } = analytics` -> summarize is analytics.summarize. */
  const destructured = new Map<string, { object: string; member: string }>();

  const addImport = (specifier: string, node: ts.Node, typeOnly: boolean, bindings: Map<string, string>, reexports: ImportFact['reexports']): number => {
    const start = node.getStart(source);
    facts.imports.push({ specifier, range: rangeOf(start, node.getEnd()), start, end: node.getEnd(), typeOnly, bindings, reexports });
    const index = facts.imports.length - 1;
    if (!typeOnly) {
      for (const local of bindings.keys()) importedBindings.set(local, index);
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
      classMemberOrigins.set(statement.name.text, new Map());
      classDeclarations.push(statement);
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
        if (init !== undefined && isRequireCall(init)) {
          const specifier = stringValue(init.arguments[0]);
          if (specifier !== undefined) addImport(specifier, statement, false, new Map([[name, '*']]), undefined);
        }
      }
      // const { a, b: c } = require('y')
      for (const declaration of statement.declarationList.declarations) {
        const init = declaration.initializer;
        if (!ts.isObjectBindingPattern(declaration.name) || init === undefined || !isRequireCall(init)) continue;
        const specifier = stringValue(init.arguments[0]);
        const bindings = new Map<string, string>();
        for (const element of declaration.name.elements) {
          const imported = element.propertyName ?? element.name;
          if (ts.isIdentifier(element.name) && ts.isIdentifier(imported) && element.dotDotDotToken === undefined) bindings.set(element.name.text, imported.text);
        }
        if (specifier !== undefined) addImport(specifier, statement, false, bindings, undefined);
      }
    } else if (ts.isExportAssignment(statement) && ts.isIdentifier(statement.expression)) {
      facts.exports.set('default', { kind: 'local', key: statement.expression.text });
    }
  }

  const classTarget = (name: string): CallTarget | undefined => {
    if (classMemberOrigins.has(name)) return { kind: 'local', key: name };
    const importIndex = importedBindings.get(name);
    return importIndex === undefined ? undefined : { kind: 'import', importIndex, name: facts.imports[importIndex]!.bindings.get(name)!, member: undefined };
  };
  const typeOrigin = (type: ts.TypeNode | undefined): ValueOrigin | undefined => {
    const of = type !== undefined && ts.isTypeReferenceNode(type) && ts.isIdentifier(type.typeName) ? classTarget(type.typeName.text) : undefined;
    return of === undefined ? undefined : { kind: 'instance', of };
  };
  /** Where a value comes from, when syntax says: `new C()`, `createC()`, `await createC()`, or another known value. */
  const originOf = (value: ts.Expression, fn: FunctionFact | undefined): ValueOrigin | undefined => {
    let expression = unwrap(value);
    if (ts.isAwaitExpression(expression)) expression = unwrap(expression.expression);
    if (ts.isNewExpression(expression)) {
      const of = ts.isIdentifier(expression.expression) ? classTarget(expression.expression.text) : resolveCallee(expression.expression, undefined, fn);
      return of === undefined || of.kind === 'unknown' || of.kind === 'global' ? undefined : { kind: 'instance', of };
    }
    if (ts.isCallExpression(expression)) {
      const of = resolveCallee(expression.expression, undefined, fn);
      return of.kind === 'unknown' || of.kind === 'global' ? undefined : { kind: 'result', of };
    }
    if (ts.isIdentifier(expression)) return valueOf(expression.text, fn);
    return undefined;
  };
  const valueOf = (name: string, fn: FunctionFact | undefined): ValueOrigin | undefined => (fn !== undefined ? functionValues.get(fn)?.get(name) : undefined) ?? moduleValues.get(name);
  /** A method call on a value of known origin. */
  const memberOfOrigin = (origin: ValueOrigin, member: string): CallTarget => {
    if (origin.kind === 'instance' && origin.of.kind === 'local') return { kind: 'local', key: `${origin.of.key}.${member}` };
    if (origin.kind === 'instance' && origin.of.kind === 'import' && origin.of.member === undefined) return { ...origin.of, member };
    return { kind: 'member', origin, member };
  };
  const noteDeclaration = (declaration: ts.VariableDeclaration, fn: FunctionFact | undefined, values: Map<string, ValueOrigin>): void => {
    const init = declaration.initializer;
    if (init === undefined) return;
    if (ts.isIdentifier(declaration.name)) {
      const origin = isFunctionLike(init) ? undefined : (originOf(init, fn) ?? typeOrigin(declaration.type));
      if (origin !== undefined) values.set(declaration.name.text, origin);
    } else if (ts.isObjectBindingPattern(declaration.name) && ts.isIdentifier(unwrap(init))) {
      const object = (unwrap(init) as ts.Identifier).text;
      for (const element of declaration.name.elements) {
        const member = element.propertyName ?? element.name;
        if (ts.isIdentifier(element.name) && ts.isIdentifier(member) && element.dotDotDotToken === undefined) destructured.set(element.name.text, { object, member: member.text });
      }
    }
  };

  const resolveCallee = (expression: ts.Expression, classKey: string | undefined, fn: FunctionFact | undefined): CallTarget => {
    if (ts.isIdentifier(expression)) {
      const name = expression.text;
      if (localFunctions.has(name)) return { kind: 'local', key: name };
      const importIndex = importedBindings.get(name);
      if (importIndex !== undefined) return { kind: 'import', importIndex, name: facts.imports[importIndex]!.bindings.get(name)!, member: undefined };
      const member = destructured.get(name);
      if (member !== undefined) return memberOfValue(member.object, member.member, fn, true);
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
      // this.reports.generate(): a method of the member's class (injected, constructed, or made by a factory).
      const receiver = unwrap(expression.expression);
      if (classKey !== undefined && ts.isPropertyAccessExpression(receiver) && receiver.expression.kind === ts.SyntaxKind.ThisKeyword) {
        const origin = classMemberOrigins.get(classKey)?.get(receiver.name.text);
        if (origin !== undefined) return memberOfOrigin(origin, member);
      }
      if (ts.isIdentifier(root)) return memberOfValue(root.text, member, fn, receiver === root);
    }
    return { kind: 'unknown' };
  };
  /** `object.member(...)` where object is an import, a value of known origin or a global. */
  const memberOfValue = (object: string, member: string, fn: FunctionFact | undefined, direct: boolean): CallTarget => {
    const importIndex = importedBindings.get(object);
    if (importIndex !== undefined) {
      const imported = facts.imports[importIndex]!.bindings.get(object)!;
      if (imported === '*' && direct) return { kind: 'import', importIndex, name: member, member: undefined };
      return { kind: 'import', importIndex, name: imported, member };
    }
    const origin = direct ? valueOf(object, fn) : undefined;
    if (origin !== undefined) return memberOfOrigin(origin, member);
    if (RUNTIME_GLOBALS.has(object)) return { kind: 'global', name: object };
    return { kind: 'unknown' };
  };

  // Pass 1b, once every local name is known: module-level values, class members, exported values' origins.
  for (const statement of source.statements) {
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) noteDeclaration(declaration, undefined, moduleValues);
    } else if (ts.isExportAssignment(statement) && !statement.isExportEquals && !ts.isIdentifier(statement.expression)) {
      facts.exports.set('default', { kind: 'value', constant: isLiteral(statement.expression), origin: originOf(statement.expression, undefined) });
    }
  }
  for (const [name, target] of facts.exports) {
    if (target.kind === 'value') target.origin ??= moduleValues.get(name);
  }
  for (const declaration of classDeclarations) {
    const origins = classMemberOrigins.get(declaration.name!.text)!;
    for (const member of declaration.members) {
      if (ts.isConstructorDeclaration(member)) {
        for (const parameter of member.parameters) {
          const origin = typeOrigin(parameter.type);
          if ((ts.getModifiers(parameter)?.length ?? 0) > 0 && ts.isIdentifier(parameter.name) && origin !== undefined) origins.set(parameter.name.text, origin);
        }
      } else if (ts.isPropertyDeclaration(member) && ts.isIdentifier(member.name)) {
        const origin = (member.initializer !== undefined && !isFunctionLike(member.initializer) ? originOf(member.initializer, undefined) : undefined) ?? typeOrigin(member.type);
        if (origin !== undefined) origins.set(member.name.text, origin);
      }
    }
  }

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

  // Entry points come from the framework adapters that can apply to this file.
  const context = fileContext(file, source, facts.imports);
  const adapters = frameworkAdapters.filter((adapter) => adapter.appliesTo(context));
  /** Functions the adapters found, before the walk reaches them. */
  const entries = new Map<ts.Node, { reason: string; key: string | undefined }>();
  const noteEntries = (node: ts.Node, classKey: string | undefined, fn: FunctionFact): void => {
    for (const detection of detectEntries(node, context, adapters)?.detections ?? []) {
      if (detection.kind === 'function') entries.set(detection.node, { reason: detection.reason, key: detection.key });
      else {
        const target = resolveCallee(detection.expression, classKey, fn);
        if (target.kind === 'unknown' && ts.isIdentifier(detection.expression) && isParameterInScope(detection.expression)) continue;
        const range = rangeOf(detection.expression.getStart(source), detection.expression.getEnd());
        facts.entryReferences.push({ target, reason: detection.reason, range });
      }
      facts.requestHandlers.push(detection.reason);
    }
  };

  interface Enclosing {
    current: FunctionFact;
    classKey: string | undefined;
  }
  /** Imported names seen outside types: the ones whose code the file runs. */
  const valueUses = new Set<string>();
  const visit = (node: ts.Node, { current, classKey }: Enclosing): Enclosing | typeof SKIP_CHILDREN => {
    if (isTypeOnlySyntax(node)) return SKIP_CHILDREN;
    if (ts.isIdentifier(node)) {
      if (importedBindings.has(node.text)) valueUses.add(node.text);
      return { current, classKey };
    }
    noteEntries(node, classKey, current);
    const entry = entries.get(node);
    let next = current;
    let nextClass = classKey;
    if (ts.isClassDeclaration(node) || ts.isClassExpression(node)) {
      nextClass = node.name?.text ?? classKey ?? 'class';
    } else if (ts.isFunctionDeclaration(node) && node.body !== undefined && (node.name !== undefined || entry !== undefined)) {
      next = newFunction(node.name?.text ?? entry?.key ?? 'default', node, entry?.reason, paramNames(node));
    } else if ((ts.isMethodDeclaration(node) || ts.isConstructorDeclaration(node) || ts.isGetAccessorDeclaration(node)) && node.body !== undefined) {
      const methodName = ts.isConstructorDeclaration(node) ? 'constructor' : node.name.getText(source);
      const key = nextClass !== undefined && !ts.isObjectLiteralExpression(node.parent) ? `${nextClass}.${methodName}` : (entry?.key ?? methodName);
      next = newFunction(key, node, entry?.reason, paramNames(node));
    } else if (isFunctionLike(node) && ts.isVariableDeclaration(node.parent) && ts.isIdentifier(node.parent.name) && node.parent.initializer === node) {
      next = newFunction(node.parent.name.text, node.parent, entry?.reason, paramNames(node));
    } else if (isFunctionLike(node) && entry !== undefined) {
      next = newFunction(entry.key ?? 'handler', node, entry.reason, paramNames(node));
    } else if (ts.isPropertyDeclaration(node) && node.initializer !== undefined && isFunctionLike(node.initializer) && nextClass !== undefined) {
      next = newFunction(`${nextClass}.${node.name.getText(source)}`, node, entries.get(node.initializer)?.reason, paramNames(node.initializer));
    }
    if (next !== current && isFunctionLike(node) && !ts.isBlock(node.body)) next.returns = originOf(node.body, next);

    if (ts.isVariableDeclaration(node) && next !== moduleFunction) {
      let values = functionValues.get(next);
      if (values === undefined) functionValues.set(next, (values = new Map()));
      noteDeclaration(node, next, values);
    } else if (ts.isReturnStatement(node) && node.expression !== undefined && next !== moduleFunction) {
      next.returns ??= originOf(node.expression, next);
    }

    if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
      const target = resolveCallee(node.expression, nextClass, next);
      const isRequire = isRequireCall(node);
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
    return { current: next, classKey: nextClass };
  };
  for (const statement of source.statements) walkSyntaxWith(statement, { current: moduleFunction, classKey: undefined }, visit);
  // A name used only in types is erased by the compiler: it crosses no boundary, and an import left with none is type-only.
  for (const fact of facts.imports) {
    if (fact.typeOnly || fact.reexports !== undefined || fact.bindings.size === 0) continue;
    for (const local of fact.bindings.keys()) if (!valueUses.has(local)) fact.bindings.delete(local);
    if (fact.bindings.size === 0) fact.typeOnly = true;
  }
  // Handlers registered by reference to a function of this file are entry points here (other files' are indexed by the engine).
  for (const reference of facts.entryReferences) {
    const fn = reference.target.kind === 'local' ? facts.functions.get(reference.target.key) : undefined;
    if (fn !== undefined) fn.entry ??= reference.reason;
  }
  return facts;
}
