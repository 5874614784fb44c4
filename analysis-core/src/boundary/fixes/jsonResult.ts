/**
 * Whether an analysis's result survives a JSON artifact: read back, it must
 * still be what its type says. Judged from the code alone (the engine has no
 * type checker): the declared return type when there is one, else what the
 * function returns, followed through its parameters' types, its local
 * constants, and the types and interfaces of its own module. Anything it
 * cannot tell is "no", with the reason.
 */
import { ts } from '../compiler';
import { walkSyntax } from '../syntaxWalk';

export type JsonVerdict = { json: true } | { json: false; reason: string };

export interface AnalysisResult {
  /** The function returns a promise: the handler must await it for the served value to have the same type. */
  async: boolean;
  verdict: JsonVerdict;
}

const YES: JsonVerdict = { json: true };
const no = (reason: string): JsonVerdict => ({ json: false, reason });

/** Types that JSON turns into something else (a string, an empty object) or drops. */
const NOT_JSON = /^(Date|Map|Set|WeakMap|WeakSet|RegExp|Error|Buffer|ArrayBuffer|[A-Z][a-z0-9]*Array|Function|Symbol|BigInt|Promise|URL|Blob|ReadableStream)$/;
const SAME_ARRAY_METHODS = new Set(['sort', 'reverse', 'slice', 'filter', 'concat', 'toSorted', 'toReversed']);
const STRING_METHODS = new Set(['join', 'toFixed', 'toString', 'toUpperCase', 'toLowerCase', 'trim', 'padStart', 'padEnd', 'toISOString', 'replace', 'replaceAll']);
const BOOLEAN_METHODS = new Set(['includes', 'some', 'every', 'startsWith', 'endsWith', 'has', 'test']);
const NUMBER_METHODS = new Set(['indexOf', 'lastIndexOf', 'findIndex', 'findLastIndex', 'localeCompare']);
const PLAIN_GLOBALS = /^(Math\.\w+|Number|String|Boolean|JSON\.stringify|Date\.now|Object\.keys|Number\.\w+|parseInt|parseFloat)$/;

function all(verdicts: Iterable<JsonVerdict>): JsonVerdict {
  for (const verdict of verdicts) if (!verdict.json) return verdict;
  return YES;
}

function isFunctionWithBody(node: ts.Node): node is ts.FunctionLikeDeclaration {
  return (ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isArrowFunction(node) || ts.isMethodDeclaration(node)) && node.body !== undefined;
}

/** The declaration of `name` in a module: a function, a const holding one, or `Class.method`. */
export function analysisDeclaration(source: ts.SourceFile, name: string): ts.FunctionLikeDeclaration[] {
  const [owner, member] = name.includes('.') ? name.split('.') : [undefined, name];
  const found: ts.FunctionLikeDeclaration[] = [];
  for (const statement of source.statements) {
    if (owner === undefined && ts.isFunctionDeclaration(statement) && statement.name?.text === member) found.push(statement);
    if (owner === undefined && ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        if (ts.isIdentifier(declaration.name) && declaration.name.text === member && declaration.initializer !== undefined && isFunctionWithBody(declaration.initializer)) found.push(declaration.initializer);
      }
    }
    if (owner !== undefined && ts.isClassDeclaration(statement) && statement.name?.text === owner) {
      for (const element of statement.members) if (ts.isMethodDeclaration(element) && ts.isIdentifier(element.name) && element.name.text === member) found.push(element);
    }
  }
  return found;
}

class JsonJudge {
  private readonly seenTypes = new Set<string>();
  private readonly seenNames = new Set<ts.Node>();

  constructor(private readonly source: ts.SourceFile) {}

  type(node: ts.TypeNode): JsonVerdict {
    const text = node.getText(this.source);
    switch (node.kind) {
      case ts.SyntaxKind.StringKeyword:
      case ts.SyntaxKind.NumberKeyword:
      case ts.SyntaxKind.BooleanKeyword:
      case ts.SyntaxKind.NullKeyword:
      case ts.SyntaxKind.UndefinedKeyword:
      case ts.SyntaxKind.VoidKeyword:
      case ts.SyntaxKind.LiteralType:
      case ts.SyntaxKind.TemplateLiteralType:
        return YES;
    }
    if (ts.isParenthesizedTypeNode(node) || ts.isOptionalTypeNode(node) || ts.isRestTypeNode(node)) return this.type(node.type);
    if (ts.isTypeOperatorNode(node)) return node.operator === ts.SyntaxKind.ReadonlyKeyword ? this.type(node.type) : no(`\`${text}\` is not plain JSON data`);
    if (ts.isArrayTypeNode(node)) return this.type(node.elementType);
    if (ts.isTupleTypeNode(node)) return all(node.elements.map((element) => this.type(ts.isNamedTupleMember(element) ? element.type : element)));
    if (ts.isUnionTypeNode(node) || ts.isIntersectionTypeNode(node)) return all(node.types.map((member) => this.type(member)));
    if (ts.isTypeLiteralNode(node)) return this.members(node.members);
    if (ts.isTypeReferenceNode(node) && ts.isIdentifier(node.typeName)) return this.reference(node.typeName.text, node.typeArguments ?? []);
    return no(`\`${text}\` is not plain JSON data`);
  }

  private members(members: readonly ts.TypeElement[]): JsonVerdict {
    return all(
      members.map((member) => {
        if (ts.isPropertySignature(member)) return member.type === undefined ? no(`\`${member.name.getText(this.source)}\` has no type`) : this.type(member.type);
        if (ts.isIndexSignatureDeclaration(member)) return this.type(member.type);
        return no(`\`${member.getText(this.source)}\` is a method, which JSON drops`);
      }),
    );
  }

  private reference(name: string, args: readonly ts.TypeNode[]): JsonVerdict {
    if (name === 'Array' || name === 'ReadonlyArray' || name === 'Partial' || name === 'Required' || name === 'Readonly') return args[0] === undefined ? no(`\`${name}\` without a type argument`) : this.type(args[0]);
    if (name === 'Record') return args[1] === undefined ? no('`Record` without a value type') : this.type(args[1]);
    if (NOT_JSON.test(name)) return no(`\`${name}\` does not survive JSON`);
    if (this.seenTypes.has(name)) return YES;
    this.seenTypes.add(name);
    for (const statement of this.source.statements) {
      if (ts.isInterfaceDeclaration(statement) && statement.name.text === name) {
        const inherited = (statement.heritageClauses ?? []).flatMap((clause) => clause.types).map((base) => (ts.isIdentifier(base.expression) ? this.reference(base.expression.text, base.typeArguments ?? []) : no(`\`${base.getText(this.source)}\` is not known here`)));
        return all([...inherited, this.members(statement.members)]);
      }
      if (ts.isTypeAliasDeclaration(statement) && statement.name.text === name) return this.type(statement.type);
      if (ts.isClassDeclaration(statement) && statement.name?.text === name) return no(`\`${name}\` is a class, and JSON gives back a plain object without its methods`);
      if (ts.isEnumDeclaration(statement) && statement.name.text === name) return YES;
    }
    return no(`\`${name}\` is not declared in the analysis's module, so its shape is not known here`);
  }

  /** What a returned expression holds, as far as the code says. */
  expression(node: ts.Expression, scope: ts.Node): JsonVerdict {
    const text = node.getText(this.source);
    if (ts.isStringLiteralLike(node) || ts.isNumericLiteral(node) || ts.isTemplateExpression(node)) return YES;
    if ([ts.SyntaxKind.TrueKeyword, ts.SyntaxKind.FalseKeyword, ts.SyntaxKind.NullKeyword].includes(node.kind)) return YES;
    if (ts.isParenthesizedExpression(node) || ts.isNonNullExpression(node) || ts.isAwaitExpression(node)) return this.expression(node.expression, scope);
    if (ts.isAsExpression(node) || ts.isSatisfiesExpression(node)) return this.type(node.type);
    if (ts.isObjectLiteralExpression(node)) {
      return all(
        node.properties.map((property) => {
          if (ts.isPropertyAssignment(property)) return this.expression(property.initializer, scope);
          if (ts.isShorthandPropertyAssignment(property)) return this.expression(property.name, scope);
          if (ts.isSpreadAssignment(property)) return this.expression(property.expression, scope);
          return no(`\`${property.getText(this.source)}\` is a method or accessor, which JSON drops`);
        }),
      );
    }
    if (ts.isArrayLiteralExpression(node)) return all(node.elements.map((element) => this.expression(ts.isSpreadElement(element) ? element.expression : element, scope)));
    if (ts.isPrefixUnaryExpression(node) || ts.isTypeOfExpression(node)) return YES;
    if (ts.isBinaryExpression(node)) {
      const operator = node.operatorToken.kind;
      if (operator === ts.SyntaxKind.AmpersandAmpersandToken || operator === ts.SyntaxKind.BarBarToken || operator === ts.SyntaxKind.QuestionQuestionToken) return all([this.expression(node.left, scope), this.expression(node.right, scope)]);
      if (operator === ts.SyntaxKind.CommaToken) return this.expression(node.right, scope);
      if (operator >= ts.SyntaxKind.FirstAssignment && operator <= ts.SyntaxKind.LastAssignment) return no(`cannot tell what \`${text}\` holds`);
      // Comparisons give booleans, arithmetic numbers, `+` strings or numbers.
      return YES;
    }
    if (ts.isConditionalExpression(node)) return all([this.expression(node.whenTrue, scope), this.expression(node.whenFalse, scope)]);
    if (ts.isPropertyAccessExpression(node) && node.name.text === 'length') return YES;
    if (ts.isIdentifier(node)) return node.text === 'undefined' ? YES : this.identifier(node.text, scope);
    if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const calleeText = callee.getText(this.source);
      if (PLAIN_GLOBALS.test(calleeText)) return YES;
      if (ts.isPropertyAccessExpression(callee)) {
        const method = callee.name.text;
        if (STRING_METHODS.has(method) || BOOLEAN_METHODS.has(method) || NUMBER_METHODS.has(method)) return YES;
        const [callback, initial] = node.arguments;
        // `reduce((sum, item) => sum + item.price, 0)`: what the callback returns, started from the initial value.
        if ((method === 'reduce' || method === 'map') && callback !== undefined && ts.isArrowFunction(callback) && !ts.isBlock(callback.body)) {
          return all([this.expression(callback.body, callback), ...(method === 'reduce' ? [initial === undefined ? no('`reduce` without an initial value') : this.expression(initial, scope)] : [])]);
        }
        if (SAME_ARRAY_METHODS.has(method)) return all([this.expression(callee.expression, scope), ...node.arguments.filter(() => method === 'concat').map((argument) => this.expression(argument, scope))]);
      }
      return no(`cannot tell from the code what \`${calleeText}(…)\` returns`);
    }
    if (ts.isNewExpression(node)) return no(`\`${text}\` builds an object that JSON does not give back`);
    return no(`cannot tell from the code what \`${text}\` holds`);
  }

  /** A parameter or local of the analysis: its declared type, else what it was initialised with. */
  private identifier(name: string, scope: ts.Node): JsonVerdict {
    let found: ts.ParameterDeclaration | ts.VariableDeclaration | undefined;
    const visit = (node: ts.Node): boolean | void => {
      if (found !== undefined) return false;
      if ((ts.isParameter(node) || ts.isVariableDeclaration(node)) && ts.isIdentifier(node.name) && node.name.text === name) found = node;
    };
    walkSyntax(scope, visit);
    if (found === undefined || this.seenNames.has(found)) return no(`cannot tell from the code what \`${name}\` holds`);
    this.seenNames.add(found);
    if (found.type !== undefined) return this.type(found.type);
    if (ts.isVariableDeclaration(found) && found.initializer !== undefined && ts.isVariableDeclarationList(found.parent) && (found.parent.flags & ts.NodeFlags.Const) !== 0) return this.expression(found.initializer, scope);
    return no(`\`${name}\` has no type written down`);
  }
}

/** What an analysis returns, judged for a JSON artifact. */
export function judgeResult(source: ts.SourceFile, declaration: ts.FunctionLikeDeclaration): AnalysisResult {
  const judge = new JsonJudge(source);
  const isAsync = (ts.getModifiers(declaration) ?? []).some((modifier) => modifier.kind === ts.SyntaxKind.AsyncKeyword);
  let returnType = declaration.type;
  const returnsPromise = returnType !== undefined && ts.isTypeReferenceNode(returnType) && ts.isIdentifier(returnType.typeName) && returnType.typeName.text === 'Promise';
  if (returnsPromise) returnType = (returnType as ts.TypeReferenceNode).typeArguments?.[0];
  const async = isAsync || returnsPromise;
  if (declaration.typeParameters !== undefined && declaration.typeParameters.length > 0) return { async, verdict: no('it is generic, so its result type depends on each call') };
  if (returnType !== undefined && (returnType.kind === ts.SyntaxKind.VoidKeyword || returnType.kind === ts.SyntaxKind.UndefinedKeyword)) return { async, verdict: no('it returns nothing') };
  if (returnType !== undefined) return { async, verdict: judge.type(returnType) };
  const body = declaration.body;
  if (body === undefined) return { async, verdict: no('it has no body') };
  if (!ts.isBlock(body)) return { async, verdict: judge.expression(body, declaration) };
  const returned: ts.Expression[] = [];
  let bare = false;
  const visit = (node: ts.Node): boolean | void => {
    if (node !== body && (ts.isFunctionLike(node) || ts.isClassLike(node))) return false;
    if (ts.isReturnStatement(node)) {
      if (node.expression === undefined) bare = true;
      else returned.push(node.expression);
    }
  };
  walkSyntax(body, visit);
  if (returned.length === 0) return { async, verdict: no('it returns nothing') };
  if (bare) return { async, verdict: no('some paths return nothing') };
  return { async, verdict: all(returned.map((expression) => judge.expression(expression, declaration))) };
}
