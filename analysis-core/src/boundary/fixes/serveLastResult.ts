/**
 * "Serve the last post-execution result": for an analysis whose result the
 * handler needs (it is the response, or decides it), so it cannot simply
 * move. The handler records the inputs in a trace event, as the move fix
 * does; the post-execution step runs the analysis from that event and writes
 * its result as a versioned JSON artifact; the handler serves the last
 * artifact, and answers 202 with where the result will appear while there is
 * none. Offered only when the result reads back from JSON as its type says
 * and the handler's framework has a 202 answer; otherwise disabled with the
 * reason, which the finding's message repeats with how to restructure.
 */
import path from 'node:path';
import { ts } from '../compiler';
import type { FixContext, ProjectView } from '../rule';
import type { FileChange, Fix } from '../types';
import { identifierWords } from '../words';
import { declaredWithin, lineOf, resolveCallee, stripWrappers, type Callee, type Decline } from './callSite';
import { detectStyle, indentAt, quoted, restyle, semi, specifierFrom } from './codeStyle';
import { LAST_RESULT_FILE_NAME, lastResultsModuleText, READ_LAST_RESULT_NAME, SERVED_EVENT_PREFIX, WRITE_LAST_RESULT_NAME } from './generatedCode';
import { analysisDeclaration, judgeResult } from './jsonResult';
import {
  bindsLocally,
  chooseEmitter,
  configChange,
  declarationOf,
  emitStatement,
  emitterChanges,
  type Edit,
  importInsertion,
  importedSource,
  inputNames,
  isMoveData,
  type MoveData,
  plan,
  postExecutionChanges,
  postExecutionFile,
  relativeTo,
  type ResolvedSite,
  siteOf,
  toTextEdits,
  usesOutside,
} from './moveAnalysis';
import { pendingResponse, type PendingResponse } from './pendingResponse';

export const SERVE_TITLE = 'Serve the last post-execution result';

interface ServePlan {
  kind: 'serve';
  callee: Extract<Callee, { kind: 'function' }>;
  args: ts.Expression[];
  /** The statement that needs the result: the event is recorded and the last result read just before it. */
  statement: ts.Statement;
  /** The call (with its `await`), replaced by the last result. */
  replaced: ts.Expression;
  /** `const audit = scoreRisk(…)` keeps its name and reads the last result; otherwise a new constant holds it. */
  reusesDeclaration: boolean;
  variable: string;
  pending: PendingResponse;
  /** The artifact's name, from the analysis's: `rank-recommendations`. */
  artifact: string;
  /** The analysis's result type, written against the handler's import of it. */
  resultType: string;
}

const decline = (reason: string, hint: string): Decline => ({ kind: 'decline', reason, hint });

/** Reads that evaluate the same before the statement as inside it: names, property reads, literals. */
function isPlainRead(node: ts.Expression): boolean {
  if (ts.isIdentifier(node) || ts.isStringLiteralLike(node) || ts.isNumericLiteral(node) || node.kind === ts.SyntaxKind.ThisKeyword) return true;
  if ([ts.SyntaxKind.TrueKeyword, ts.SyntaxKind.FalseKeyword, ts.SyntaxKind.NullKeyword].includes(node.kind)) return true;
  if (ts.isPropertyAccessExpression(node) || ts.isNonNullExpression(node) || ts.isParenthesizedExpression(node)) return isPlainRead(node.expression);
  if (ts.isElementAccessExpression(node)) return isPlainRead(node.expression) && isPlainRead(node.argumentExpression);
  if (ts.isObjectLiteralExpression(node)) return node.properties.every((property) => (ts.isPropertyAssignment(property) ? isPlainRead(property.initializer) : ts.isShorthandPropertyAssignment(property)));
  if (ts.isArrayLiteralExpression(node)) return node.elements.every((element) => !ts.isSpreadElement(element) && isPlainRead(element));
  return false;
}

/** Why the call may not run where the statement starts: it is evaluated only on some paths, or more than once. */
function conditionalEvaluation(from: ts.Node, statement: ts.Statement): string | undefined {
  for (let node = from; node !== statement; node = node.parent) {
    const parent = node.parent;
    if (ts.isConditionalExpression(parent) && parent.condition !== node) return 'it runs in one branch of a `?:`';
    if (ts.isBinaryExpression(parent) && parent.right === node && [ts.SyntaxKind.AmpersandAmpersandToken, ts.SyntaxKind.BarBarToken, ts.SyntaxKind.QuestionQuestionToken].includes(parent.operatorToken.kind)) return `it runs only when the left of \`${parent.operatorToken.getText()}\` lets it`;
    if ((ts.isCallExpression(parent) || ts.isPropertyAccessExpression(parent) || ts.isElementAccessExpression(parent)) && parent.questionDotToken !== undefined && parent.expression !== node) return 'it runs behind `?.`';
    if ((ts.isWhileStatement(parent) || ts.isDoStatement(parent)) || (ts.isForStatement(parent) && parent.initializer !== node)) return 'it runs on every pass of a loop';
  }
  return undefined;
}

function kebab(name: string): string {
  return name.split('.').flatMap((part) => identifierWords(part)).join('-');
}

function pascal(name: string): string {
  return identifierWords(name.split('.').pop()!).map((word) => word[0]!.toUpperCase() + word.slice(1)).join('');
}

/** The handler's framework, as its adapter named it: "Hono route handler (GET /recommendations)". */
function entryReason(project: ProjectView, file: string, source: ts.SourceFile, handler: ts.FunctionLikeDeclaration): string | undefined {
  const nodes = [handler, handler.parent];
  for (const fn of project.facts(file)?.functions.values() ?? []) {
    if (!nodes.some((node) => node.getStart(source) === fn.start && node.getEnd() === fn.end)) continue;
    return fn.entry ?? project.externalEntry(file, fn)?.reason;
  }
  return undefined;
}

/** Plans serving the last result of a call whose result the handler uses, or says why it cannot be served. */
export function planServe(project: ProjectView, file: string, site: ResolvedSite): ServePlan | Decline {
  const { source, call, handler, data } = site;
  const name = call.expression.getText(source);
  const callee = resolveCallee(site, (binding) => importedSource(project, file, binding));
  if (callee.kind === 'decline') return callee;
  if (callee.kind === 'method') return decline(`\`${name}\` is a method`, `Expose ${callee.className}.${callee.method} as an exported function the post-execution step can call, then apply the fix.`);
  const args = [...(call.arguments ?? [])];
  if (args.some(ts.isSpreadElement)) return decline(`\`${name}\` is called with spread arguments`, 'Pass the arguments one by one, then apply the fix.');
  if (handler.body === undefined || !ts.isBlock(handler.body)) return decline('the handler is an arrow function without a block body', 'Give the handler a `{ … }` body, then apply the fix.');

  const replaced = stripWrappers(call) as ts.Expression;
  let statement: ts.Node = replaced;
  while (!ts.isStatement(statement)) statement = statement.parent;
  const allowed = ts.isExpressionStatement(statement) || ts.isVariableStatement(statement) || ts.isReturnStatement(statement) || ts.isIfStatement(statement) || ts.isSwitchStatement(statement) || ts.isForOfStatement(statement) || ts.isThrowStatement(statement);
  if (!allowed || !(ts.isBlock(statement.parent) || ts.isCaseOrDefaultClause(statement.parent))) return decline(`\`${name}\` is called where a statement cannot be added before it (line ${lineOf(source, statement)})`, `Assign the result of ${name} to a constant in its own statement, then apply the fix.`);
  const conditional = conditionalEvaluation(replaced, statement);
  if (conditional !== undefined) return decline(`\`${name}\` is not called on every path through its statement: ${conditional}`, `Assign the result of ${name} to a constant before that statement, then apply the fix.`);

  const declaration = ts.isVariableStatement(statement) && statement.declarationList.declarations.length === 1 ? statement.declarationList.declarations[0]! : undefined;
  // Only a `const` stays narrowed inside closures once the 202 answer has ruled out undefined.
  const isConst = ts.isVariableStatement(statement) && (statement.declarationList.flags & ts.NodeFlags.Const) !== 0;
  const reusesDeclaration = declaration !== undefined && isConst && declaration.initializer === replaced && ts.isIdentifier(declaration.name) && declaration.type === undefined;
  if (!reusesDeclaration && !args.every(isPlainRead)) return decline(`the arguments of \`${name}\` do more than read values, and they would run before the rest of line ${lineOf(source, statement)}`, `Assign the arguments to constants first, then apply the fix.`);

  // The served value must have the type the call had.
  if (data.analysisFile === undefined) return decline(`\`${name}\` comes from a package, whose code is not read here`, 'Wrap it in an exported function of this project with a JSON return type, then apply the fix.');
  const analysisSource = project.source(data.analysisFile)?.compilerNode;
  const declarations = analysisSource === undefined ? [] : analysisDeclaration(analysisSource, data.analysisName);
  if (analysisSource === undefined || declarations.length !== 1) return decline(`the declaration of \`${name}\` is not one function here`, `Export ${name} as one function (no overloads), then apply the fix.`);
  const judged = judgeResult(analysisSource, declarations[0]!);
  if (!judged.verdict.json) return decline(`the result of \`${name}\` may not read back from a JSON artifact as it was: ${judged.verdict.reason}`, `Give ${name} a return type of plain JSON data (strings, numbers, booleans, null, arrays, plain objects), then apply the fix.`);
  if (judged.async && !ts.isAwaitExpression(replaced)) return decline(`\`${name}\` returns a promise that is used without \`await\``, `Await ${name}, then apply the fix.`);

  const pending = pendingResponse(entryReason(project, file, source, handler), handler);
  if (pending === undefined) {
    return decline(
      'no 202 answer can be written for this function (it is not a Hono, Express or Fastify route handler, or an AWS Lambda handler answering HTTP)',
      'Read the last result in the request handler itself, and answer there while there is none.',
    );
  }

  const taken = new Set([...declaredWithin([handler]), ...declaredWithin([source])]);
  let variable = reusesDeclaration ? (declaration!.name as ts.Identifier).text : `last${pascal(data.analysisName)}`;
  for (let index = 2; !reusesDeclaration && taken.has(variable); index++) variable = `last${pascal(data.analysisName)}${index}`;
  return { kind: 'serve', callee, args, statement, replaced, reusesDeclaration, variable, pending, artifact: kebab(data.analysisName), resultType: `Awaited<ReturnType<typeof ${callee.text}>>` };
}

/** The configured last-results module, or the one to create (recorded in the config). */
function lastResultsFile(project: ProjectView): { file: string; create: boolean } {
  const configured = project.config.trace.lastResultsModule;
  const base = project.hasFileUnder(path.join(project.root, 'src')) ? 'src/' : '';
  const file = path.resolve(project.config.baseDir, configured ?? `${base}artifacts/lastResults.ts`);
  return { file, create: !project.fileExists(file) };
}

/** Turns the analysis's import into a type-only one when the handler's module no longer calls it; `whole` when the declaration becomes `import type`. */
function typeOnlyImport(source: ts.SourceFile, local: string, call: ts.Node): { edit: Edit; whole: boolean } | undefined {
  const declaration = declarationOf(source, local);
  if (declaration === undefined || !ts.isImportDeclaration(declaration) || usesOutside(source, local, [call, declaration]) > 0) return undefined;
  const clause = declaration.importClause!;
  const named = clause.namedBindings;
  const count = (clause.name !== undefined ? 1 : 0) + (named === undefined ? 0 : ts.isNamespaceImport(named) ? 1 : named.elements.length);
  const mixed = named !== undefined && ts.isNamedImports(named) && named.elements.some((element) => element.isTypeOnly);
  if (count === 1 && !mixed) return { edit: { start: clause.getStart(source), end: clause.getStart(source), text: 'type ' }, whole: true };
  const element = named !== undefined && ts.isNamedImports(named) ? named.elements.find((candidate) => candidate.name.text === local) : undefined;
  return element === undefined ? undefined : { edit: { start: element.getStart(source), end: element.getStart(source), text: 'type ' }, whole: false };
}

function registryEntry(served: ServePlan, names: readonly string[], event: string): string {
  const fields = names.map((name, index) => `${/^[A-Za-z_$][\w$]*$/.test(name) ? name : `'${name}'`}: Parameters<typeof ${served.callee.text}>[${index}]`);
  const inputs = names.map((name) => `inputs${/^[A-Za-z_$][\w$]*$/.test(name) ? `.${name}` : `['${name}']`}`);
  return `  '${event}': async (inputs: { ${fields.join('; ')} }) => ${WRITE_LAST_RESULT_NAME}('${served.artifact}', await ${served.callee.text}(${inputs.join(', ')})),`;
}

function buildServeFix(context: FixContext<unknown>, site: ResolvedSite, served: ServePlan): Fix {
  const { project, file } = context;
  const source = context.source.compilerNode;
  const style = detectStyle(source);
  const emitter = chooseEmitter(project);
  const post = postExecutionFile(project);
  const results = lastResultsFile(project);
  const configSettings: Record<string, unknown> = {};
  const data: MoveData = site.data;
  const event = `${SERVED_EVENT_PREFIX}${data.analysisName}`;

  // The handler: record the inputs, read the last result, answer 202 while there is none.
  const edits: Edit[] = [];
  const indent = indentAt(source.text, served.statement.getStart(source));
  const lines = (text: string) => text.split('\n').join(`\n${indent}`);
  const emit = emitStatement({ args: served.args, gate: undefined }, data, event, emitter, source, style, `Runs after execution, from this event (${relativeTo(file, post.file)}); its last result is served here`);
  const read = `${READ_LAST_RESULT_NAME}<${served.resultType}>(${quoted(served.artifact, style)})`;
  const guard = `if (${served.variable} === undefined) ${restyle(served.pending.statement(`${LAST_RESULT_FILE_NAME}(${quoted(served.artifact, style)})`), style)}`;
  const start = served.statement.getStart(source);
  if (served.reusesDeclaration) {
    edits.push({ start, end: start, text: `${lines(emit)}\n${indent}` });
    edits.push({ start: served.replaced.getStart(source), end: served.replaced.getEnd(), text: read });
    edits.push({ start: served.statement.getEnd(), end: served.statement.getEnd(), text: `\n${indent}${lines(guard)}` });
  } else {
    edits.push({ start, end: start, text: `${lines(emit)}\n${indent}const ${served.variable} = ${read}${semi(style)}\n${indent}${lines(guard)}\n${indent}` });
    edits.push({ start: served.replaced.getStart(source), end: served.replaced.getEnd(), text: served.variable });
  }
  const typeOnly = typeOnlyImport(source, served.callee.import.local, site.call);
  if (typeOnly !== undefined) edits.push(typeOnly.edit);
  const imported = [LAST_RESULT_FILE_NAME, READ_LAST_RESULT_NAME].filter((name) => !bindsLocally(source, name));
  const importLines: string[] = [];
  const created = emitterChanges(context, emitter, style, (line) => importLines.push(line), configSettings);
  if (imported.length > 0) importLines.push(`import { ${imported.join(', ')} } from ${quoted(specifierFrom(file, results.file, style), style)}${semi(style)}`);
  // One insertion, so every editor puts the lines in this order.
  if (importLines.length > 0) edits.push(importInsertion(source, importLines.join('\n')));
  const changes: FileChange[] = [{ kind: 'edit', file, edits: toTextEdits(source.text, edits) }, ...created];
  if (results.create) {
    changes.push({ kind: 'create', file: results.file, text: restyle(lastResultsModuleText(project.config.trace.artifactsDir ?? 'artifacts'), style) });
    if (project.config.trace.lastResultsModule === undefined) configSettings.lastResultsModule = path.relative(project.config.baseDir, results.file).split(path.sep).join('/');
  }

  // After execution: run the analysis from the event and write its result.
  const names = inputNames({ args: served.args }, data);
  const entry = registryEntry(served, names, event);
  changes.push(...postExecutionChanges(project, file, style, post, { plans: [{ planned: { callee: served.callee, bindings: [] } }], entries: [entry], helpers: [{ name: WRITE_LAST_RESULT_NAME, file: results.file }] }, configSettings));
  const config = configChange(project, configSettings);
  if (config !== undefined) changes.push(config);
  const resolves = [context.finding.fingerprint];
  // A type-only import crosses no boundary at run time: what no-product-import-in-platform reported there is resolved too.
  if (typeOnly?.whole === true) {
    const line = source.getLineAndCharacterOfPosition(typeOnly.edit.start).line;
    for (const other of context.fileFindings) if (other.ruleId === 'no-product-import-in-platform' && other.range.start.line === line) resolves.push(other.fingerprint);
  }
  return { title: SERVE_TITLE, kind: 'quickfix', resolves, changes };
}

export function serveLastResultFixes(context: FixContext<unknown>): Fix[] {
  const { finding, project, file } = context;
  if ((finding.messageId !== 'direct' && finding.messageId !== 'transitive') || !isMoveData(finding.fixData)) return [];
  const site = siteOf(context.source.compilerNode, finding.fixData);
  if (site === undefined) return [];
  const moved = plan(project, file, site);
  if (moved.kind !== 'decline' || moved.resultUsed !== true) return [];
  const served = planServe(project, file, site);
  if (served.kind === 'decline') return [{ title: SERVE_TITLE, kind: 'quickfix', resolves: [finding.fingerprint], changes: [], disabled: { reason: `unavailable: ${served.reason}` } }];
  return [buildServeFix(context, site, served)];
}

/** Why the move fix cannot move the call, and what to do instead (the finding's related information); undefined when it can. */
export function analysisFixNote(project: ProjectView, file: string, source: ts.SourceFile, fixData: unknown): string | undefined {
  if (!isMoveData(fixData)) return undefined;
  const site = siteOf(source, fixData);
  if (site === undefined) return undefined;
  const moved = plan(project, file, site);
  if (moved.kind !== 'decline') return undefined;
  const cannot = `The fix cannot move it as it is: ${moved.reason}`;
  if (moved.resultUsed !== true) return `${cannot}. ${moved.hint}`.trimEnd();
  const served = planServe(project, file, site);
  if (served.kind === 'serve') return `${cannot}; "${SERVE_TITLE}" runs it after execution and serves its last result here instead.`;
  return `${cannot}; nor can its last result be served here: ${served.reason}. ${served.hint} ${moved.hint}`.trimEnd();
}
