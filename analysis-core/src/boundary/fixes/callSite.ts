/**
 * What moving one analysis call out of its handler would take: the
 * statements that leave with it (the call, and code that only logs or counts
 * its result), the condition around it that moves into the event, and what
 * the moved code needs from the handler's module. Works on a resolved call
 * site and its enclosing function, whatever found them.
 */
import { ts } from '../compiler';
import { walkSyntax } from '../syntaxWalk';

export interface CallSite {
  source: ts.SourceFile;
  call: ts.CallExpression | ts.NewExpression;
  /** The function the call runs in (a route callback, a controller method, a Lambda handler). */
  handler: ts.FunctionLikeDeclaration;
}

/** How the analysis is reached from the post-execution module. */
export type Callee =
  /** A function imported (or exported) by name, or a namespace import's member. */
  | { kind: 'function'; local: string; text: string; import: ModuleBinding }
  /** A method of an instance the handler's module or class constructs: `analyzer.observe()`, `this.reports.generate()`. */
  | { kind: 'method'; instance: string; className: string; method: string; constructorArgs: string; import: ModuleBinding };

/** A binding of the handler's module that the moved code needs: an import to repeat, or an export of the module itself. */
export interface ModuleBinding {
  local: string;
  /** "default", "*" or the exported name. */
  imported: string;
  /** The specifier as written in the handler's module, or undefined for the handler's module itself. */
  specifier: string | undefined;
}

export interface MovePlan {
  kind: 'move';
  callee: Callee;
  /** The analysis call's arguments, evaluated in the handler and recorded in the event. */
  args: ts.Expression[];
  /** The code that runs after execution, in order: the call's statement and those that only log or count its result. */
  moved: ts.Statement[];
  /** Statements taken out of the handler; the event is emitted where the first one was. */
  removed: ts.Statement[];
  /** A flag that gated the analysis: recorded with the event, checked after execution. */
  gate: ts.Expression | undefined;
  /** Bindings of the handler's module the moved code uses besides the analysis (a logger, a metrics client). */
  bindings: ModuleBinding[];
}

export interface Decline {
  kind: 'decline';
  /** Why the call cannot move as it is, e.g. "`report` is used on line 13, and that use is part of the response". */
  reason: string;
  /** The handler uses the result (it is the response, decides it, or feeds code that stays): its last post-execution result may be served instead. */
  resultUsed?: true;
  /** How to restructure by hand. */
  hint: string;
}

const SINK_ROOT = /^(console|log|logs|logger|logging|metrics?|statsd|stats|telemetry|monitoring|analytics|tracker|counters?|gauges?|histograms?)$|(Logger|Log|Metrics|Stats|Counter|Gauge|Histogram|Telemetry)$/;
const RESPONSE_CALL = /^(res|response|reply|ctx|c|context|h)\.(json|send|end|write|status|body|text|html|redirect|render|code)$/;
export const RESTRUCTURE_HINT =
  'To move it, keep the response independent of the analysis: record the inputs with a trace event, serve a result the post-execution step wrote earlier (or answer 202 and say where the result will appear), and run the analysis after execution.';

export function stripWrappers(node: ts.Node): ts.Node {
  let current = node;
  while (ts.isAwaitExpression(current.parent) || ts.isVoidExpression(current.parent) || ts.isParenthesizedExpression(current.parent) || ts.isNonNullExpression(current.parent)) current = current.parent;
  return current;
}

export function lineOf(source: ts.SourceFile, node: ts.Node): number {
  return source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
}

function calleeRoot(expression: ts.Expression): ts.Expression {
  let root = expression;
  while (ts.isPropertyAccessExpression(root) || ts.isCallExpression(root) || ts.isNonNullExpression(root) || ts.isParenthesizedExpression(root)) root = root.expression;
  return root;
}

/** A statement that only hands a value to logging or metrics: `logger.info({ summary })`, `metrics.gauge('usage', stats.total)`. */
function isSinkStatement(statement: ts.Statement): boolean {
  if (!ts.isExpressionStatement(statement)) return false;
  let expression: ts.Expression = statement.expression;
  while (ts.isAwaitExpression(expression) || ts.isVoidExpression(expression)) expression = expression.expression;
  if (!ts.isCallExpression(expression)) return false;
  const root = calleeRoot(expression.expression);
  return ts.isIdentifier(root) && SINK_ROOT.test(root.text);
}

/** A condition that only reads values (a flag, a setting): no calls, no assignments, no sampling. */
function isFlag(expression: ts.Expression): boolean {
  let flag = true;
  const visit = (node: ts.Node): boolean | void => {
    if (ts.isCallExpression(node) || ts.isNewExpression(node) || ts.isAwaitExpression(node) || ts.isPrefixUnaryExpression(node) && (node.operator === ts.SyntaxKind.PlusPlusToken || node.operator === ts.SyntaxKind.MinusMinusToken)) flag = false;
    else if (ts.isBinaryExpression(node) && node.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && node.operatorToken.kind <= ts.SyntaxKind.LastAssignment) flag = false;
    return flag;
  };
  walkSyntax(expression, visit);
  return flag;
}

function isPropertyName(node: ts.Identifier): boolean {
  const parent = node.parent;
  return (
    (ts.isPropertyAccessExpression(parent) && parent.name === node) ||
    (ts.isPropertyAssignment(parent) && parent.name === node) ||
    (ts.isMethodDeclaration(parent) && parent.name === node) ||
    (ts.isPropertyDeclaration(parent) && parent.name === node)
  );
}

/** Why a use of the result keeps the call in the handler. */
function useKind(use: ts.Identifier, statement: ts.Statement): string {
  for (let node: ts.Node = use; node !== statement.parent; node = node.parent) {
    const parent = node.parent;
    if ((ts.isIfStatement(parent) || ts.isWhileStatement(parent) || ts.isDoStatement(parent) || ts.isSwitchStatement(parent)) && parent.expression === node) return 'that use decides control flow';
    if (ts.isConditionalExpression(parent) && parent.condition === node) return 'that use decides control flow';
    if (ts.isBinaryExpression(parent) && [ts.SyntaxKind.AmpersandAmpersandToken, ts.SyntaxKind.BarBarToken, ts.SyntaxKind.QuestionQuestionToken].includes(parent.operatorToken.kind) && parent.left === node) return 'that use decides control flow';
  }
  for (let node: ts.Node = use; node !== statement.parent; node = node.parent) {
    if (ts.isReturnStatement(node) || ts.isThrowStatement(node)) return 'that use is part of the response';
    if (ts.isCallExpression(node) && RESPONSE_CALL.test(node.expression.getText())) return 'that use is part of the response';
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && /^(ctx|c|context|res|response)\./.test(node.left.getText())) return 'that use is part of the response';
  }
  return 'that use stays in the handler';
}

/** Names declared inside `nodes` (variables, parameters, catch bindings, functions). */
export function declaredWithin(nodes: readonly ts.Node[]): Set<string> {
  const names = new Set<string>();
  const addBinding = (name: ts.BindingName): void => {
    if (ts.isIdentifier(name)) names.add(name.text);
    else for (const element of name.elements) if (!ts.isOmittedExpression(element)) addBinding(element.name);
  };
  const visit = (node: ts.Node): boolean | void => {
    if (ts.isVariableDeclaration(node) || ts.isParameter(node) || ts.isBindingElement(node)) addBinding(node.name);
    if ((ts.isFunctionDeclaration(node) || ts.isClassDeclaration(node)) && node.name !== undefined) names.add(node.name.text);
  };
  for (const node of nodes) walkSyntax(node, visit);
  return names;
}

/** The import (or export of this module) that binds `name` at the top of the file. */
export function moduleBinding(source: ts.SourceFile, name: string): ModuleBinding | 'local' | undefined {
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier) && statement.importClause !== undefined && !statement.importClause.isTypeOnly) {
      const clause = statement.importClause;
      const specifier = statement.moduleSpecifier.text;
      if (clause.name?.text === name) return { local: name, imported: 'default', specifier };
      const named = clause.namedBindings;
      if (named !== undefined && ts.isNamespaceImport(named) && named.name.text === name) return { local: name, imported: '*', specifier };
      if (named !== undefined && ts.isNamedImports(named)) {
        const element = named.elements.find((candidate) => candidate.name.text === name && !candidate.isTypeOnly);
        if (element !== undefined) return { local: name, imported: (element.propertyName ?? element.name).text, specifier };
      }
    }
  }
  const exported = (node: ts.Node) => ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword);
  for (const statement of source.statements) {
    if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name?.text === name) return exported(statement) ? { local: name, imported: name, specifier: undefined } : 'local';
    if (ts.isVariableStatement(statement) && statement.declarationList.declarations.some((declaration) => ts.isIdentifier(declaration.name) && declaration.name.text === name)) {
      return exported(statement) ? { local: name, imported: name, specifier: undefined } : 'local';
    }
  }
  return undefined;
}

function isLiteralArgs(args: readonly ts.Expression[] | undefined): boolean {
  return (args ?? []).every((argument) => ts.isStringLiteralLike(argument) || ts.isNumericLiteral(argument) || argument.kind === ts.SyntaxKind.TrueKeyword || argument.kind === ts.SyntaxKind.FalseKeyword);
}

/** `new C(...)` with literal arguments, or a constructor parameter / property typed C. */
interface Construction {
  className: string;
  args: string;
  /** The instance comes from a constructor parameter (dependency injection): it can only be built when C takes no arguments. */
  injected: boolean;
}

function constructionOf(initializer: ts.Expression | undefined, type: ts.TypeNode | undefined, injected: boolean): Construction | undefined {
  if (initializer !== undefined && ts.isNewExpression(initializer) && ts.isIdentifier(initializer.expression) && isLiteralArgs(initializer.arguments)) {
    return { className: initializer.expression.text, args: (initializer.arguments ?? []).map((argument) => argument.getText()).join(', '), injected: false };
  }
  if (type !== undefined && ts.isTypeReferenceNode(type) && ts.isIdentifier(type.typeName)) return { className: type.typeName.text, args: '', injected };
  return undefined;
}

/** The class a receiver is an instance of: a module-level `const x = new C()`, or a field / constructor parameter of the enclosing class. */
function receiverClass(source: ts.SourceFile, receiver: ts.Expression, handler: ts.Node): Construction | undefined {
  if (ts.isIdentifier(receiver)) {
    for (const statement of source.statements) {
      if (!ts.isVariableStatement(statement)) continue;
      for (const declaration of statement.declarationList.declarations) {
        if (ts.isIdentifier(declaration.name) && declaration.name.text === receiver.text) return constructionOf(declaration.initializer, declaration.type, false);
      }
    }
    return undefined;
  }
  if (!ts.isPropertyAccessExpression(receiver) || receiver.expression.kind !== ts.SyntaxKind.ThisKeyword) return undefined;
  let owner: ts.Node | undefined = handler.parent;
  while (owner !== undefined && !ts.isClassLike(owner)) owner = owner.parent;
  if (owner === undefined) return undefined;
  const field = receiver.name.text;
  for (const member of owner.members) {
    if (ts.isPropertyDeclaration(member) && ts.isIdentifier(member.name) && member.name.text === field) return constructionOf(member.initializer, member.type, false);
    if (ts.isConstructorDeclaration(member)) {
      for (const parameter of member.parameters) {
        if (ts.isIdentifier(parameter.name) && parameter.name.text === field && (ts.getModifiers(parameter)?.length ?? 0) > 0) return constructionOf(undefined, parameter.type, true);
      }
    }
  }
  return undefined;
}

/** Whether a class (declared in `classSource`) can be built with no arguments: no constructor, or only optional parameters. */
export function constructsWithoutArguments(classSource: ts.SourceFile, className: string): boolean | undefined {
  for (const statement of classSource.statements) {
    if (!ts.isClassDeclaration(statement) || statement.name?.text !== className) continue;
    const constructor = statement.members.find(ts.isConstructorDeclaration);
    return constructor === undefined || constructor.parameters.every((parameter) => parameter.questionToken !== undefined || parameter.initializer !== undefined);
  }
  return undefined;
}

export function resolveCallee(site: CallSite, classSourceOf: (binding: ModuleBinding) => ts.SourceFile | undefined): Callee | Decline {
  const { source, call, handler } = site;
  const expression = call.expression;
  const text = expression.getText(source);
  const decline = (reason: string, hint: string): Decline => ({ kind: 'decline', reason, hint });
  const namespace = ts.isPropertyAccessExpression(expression) && ts.isIdentifier(expression.expression) ? moduleBinding(source, expression.expression.text) : undefined;
  if (ts.isIdentifier(expression) || (typeof namespace === 'object' && namespace.imported === '*')) {
    const local = ts.isIdentifier(expression) ? expression.text : ((expression as ts.PropertyAccessExpression).expression as ts.Identifier).text;
    const binding = moduleBinding(source, local);
    if (binding === undefined || binding === 'local') return decline(`\`${local}\` is not exported from this module`, `Export ${local} (or move it to an intelligence-plane module) so the post-execution step can import it.`);
    return { kind: 'function', local, text, import: binding };
  }
  if (!ts.isPropertyAccessExpression(expression)) return decline(`the analysis is called through \`${text}\``, 'Call the analysis by name so it can be imported after execution.');
  const receiver = expression.expression;
  if (receiver.kind === ts.SyntaxKind.ThisKeyword) return decline(`\`${text}\` is a method of this class`, 'Move the analysis into an intelligence-plane module of its own, then apply the fix.');
  const construction = receiverClass(source, receiver, handler);
  const receiverText = receiver.getText(source);
  if (construction === undefined) return decline(`the class of \`${receiverText}\` is not known here`, `Construct ${receiverText} with \`new\` in this module or type it with its class.`);
  const binding = moduleBinding(source, construction.className);
  if (binding === undefined || binding === 'local') return decline(`\`${construction.className}\` is not exported from this module`, `Export ${construction.className} so the post-execution step can construct it.`);
  if (construction.injected) {
    const classSource = classSourceOf(binding);
    const plain = classSource === undefined ? undefined : constructsWithoutArguments(classSource, binding.imported === 'default' ? construction.className : binding.imported);
    if (plain !== true) {
      return decline(
        `\`${receiverText}\` is injected, and the post-execution step cannot construct ${construction.className}${plain === false ? ', whose constructor takes dependencies' : ''}`,
        `Give ${construction.className} a constructor without dependencies, or expose the analysis as a function the post-execution step can call.`,
      );
    }
  }
  const instance = ts.isIdentifier(receiver) ? receiver.text : (receiver as ts.PropertyAccessExpression).name.text;
  return { kind: 'method', instance, className: construction.className, method: expression.name.text, constructorArgs: construction.args, import: binding };
}

/** Plans the move of one analysis call, or says why it cannot move. */
export function planMove(site: CallSite, classSourceOf: (binding: ModuleBinding) => ts.SourceFile | undefined): MovePlan | Decline {
  const { source, call, handler } = site;
  const name = call.expression.getText(source);
  const outer = stripWrappers(call);
  const parent = outer.parent;
  let slice: ts.Statement[];
  if (ts.isExpressionStatement(parent)) {
    slice = [parent];
  } else if (ts.isReturnStatement(parent)) {
    return { kind: 'decline', reason: `the result of \`${name}\` is returned on line ${lineOf(source, parent)}, and that use is part of the response`, resultUsed: true, hint: RESTRUCTURE_HINT };
  } else if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name) && parent.initializer === outer && ts.isVariableDeclarationList(parent.parent) && parent.parent.declarations.length === 1 && ts.isVariableStatement(parent.parent.parent)) {
    const declaration = parent.parent.parent;
    const result = parent.name.text;
    const container = declaration.parent;
    slice = [declaration];
    const uses: ts.Identifier[] = [];
    const visit = (node: ts.Node): boolean | void => {
      if (ts.isIdentifier(node) && node.text === result && node !== parent.name && !isPropertyName(node)) uses.push(node);
    };
    if (handler.body !== undefined) walkSyntax(handler.body, visit);
    for (const use of uses) {
      let statement: ts.Node = use;
      while (statement.parent !== undefined && statement.parent !== container) statement = statement.parent;
      if (statement.parent !== container || !ts.isStatement(statement) || !isSinkStatement(statement)) {
        const where = statement.parent === container && ts.isStatement(statement) ? useKind(use, statement) : 'that use stays in the handler';
        return {
          kind: 'decline',
          reason: `\`${result}\` is used on line ${lineOf(source, use)}, and ${where}`,
          resultUsed: true,
          hint: where === 'that use stays in the handler' ? `Move the code that uses ${result} into the analysis, or only log or count it, then apply the fix.` : RESTRUCTURE_HINT,
        };
      }
      if (!slice.includes(statement)) slice.push(statement);
    }
    slice.sort((a, b) => a.getStart(source) - b.getStart(source));
  } else {
    let statement: ts.Node = outer;
    while (statement.parent !== undefined && !ts.isStatement(statement)) statement = statement.parent;
    const where = ts.isStatement(statement) ? useKind(outer as ts.Identifier, statement) : 'that use stays in the handler';
    if (where !== 'that use stays in the handler') return { kind: 'decline', reason: `the result of \`${name}\` is used on line ${lineOf(source, outer)}, and ${where}`, resultUsed: true, hint: RESTRUCTURE_HINT };
    return { kind: 'decline', reason: `the result of \`${name}\` is used where it is called (line ${lineOf(source, call)})`, resultUsed: true, hint: 'Assign the result to a variable that is only logged or counted, or drop it, then apply the fix.' };
  }

  // Lift the slice out of the blocks that hold nothing else: a try that only guards it, a flag-only `if`.
  let moved = slice;
  let removed = slice;
  let gate: ts.Expression | undefined;
  for (;;) {
    const first = removed[0]!;
    const block = first.parent;
    const owner = ts.isBlock(block) ? block.parent : block;
    const onlyThese = ts.isBlock(block) ? block.statements.length === removed.length : removed.length === 1;
    if (!onlyThese) break;
    if (ts.isTryStatement(owner) && owner.tryBlock === block && owner.finallyBlock === undefined && (owner.catchClause?.block.statements.every(isSinkStatement) ?? true)) {
      moved = [owner];
      removed = [owner];
      continue;
    }
    const body = ts.isBlock(block) ? block : first;
    if (ts.isIfStatement(owner) && owner.thenStatement === body && owner.elseStatement === undefined && isFlag(owner.expression)) {
      gate = owner.expression;
      removed = [owner];
    }
    break;
  }

  const callee = resolveCallee(site, classSourceOf);
  if (callee.kind === 'decline') return callee;

  // What the moved code needs besides the analysis and its (recorded) arguments.
  const args = [...(call.arguments ?? [])];
  if (args.some(ts.isSpreadElement)) return { kind: 'decline', reason: `\`${name}\` is called with spread arguments`, hint: 'Pass the arguments one by one, then apply the fix.' };
  const handlerNames = declaredWithin([handler]);
  const ownNames = declaredWithin(moved);
  const bindings = new Map<string, ModuleBinding>();
  let problem: Decline | undefined;
  const visit = (node: ts.Node): boolean | void => {
    if (problem !== undefined || args.includes(node as ts.Expression) || node === call.expression) return false;
    if (node.kind === ts.SyntaxKind.ThisKeyword) {
      problem = { kind: 'decline', reason: `the code that moves with \`${name}\` uses \`this\` (line ${lineOf(source, node)})`, hint: 'Log or count the result with a module-level logger or metrics client, then apply the fix.' };
      return false;
    }
    if (ts.isIdentifier(node) && !isPropertyName(node) && !ownNames.has(node.text)) {
      if (handlerNames.has(node.text)) {
        problem = {
          kind: 'decline',
          reason: `the code that moves with \`${name}\` uses \`${node.text}\` of the handler (line ${lineOf(source, node)})`,
          hint: `Pass ${node.text} to the analysis, or log it separately in the handler, then apply the fix.`,
        };
        return false;
      }
      const binding = moduleBinding(source, node.text);
      if (binding === 'local') {
        problem = { kind: 'decline', reason: `the code that moves with \`${name}\` uses \`${node.text}\`, which only this module declares`, hint: `Export ${node.text} or import it from a shared module, then apply the fix.` };
        return false;
      }
      if (binding !== undefined) bindings.set(binding.local, binding);
    }
  };
  for (const statement of moved) walkSyntax(statement, visit);
  if (problem !== undefined) return problem;
  const calleeLocal = callee.kind === 'function' ? callee.local : callee.import.local;
  bindings.delete(calleeLocal);
  if (callee.kind === 'method') bindings.delete(callee.instance);
  return { kind: 'move', callee, args, moved, removed, gate, bindings: [...bindings.values()] };
}
