/**
 * "Move analysis out of the execution path": one fix across files. In the
 * handler, the analysis call (with the code that only logs or counts its
 * result, and a flag-only `if` around it) becomes a trace event carrying the
 * call's inputs as JSON text; the analysis moves to the project's
 * post-execution module, which runs it from the trace after execution. When
 * the call cannot move (its result is the response, or decides it), the fix
 * is offered disabled with the reason.
 */
import path from 'node:path';
import { ts } from '../compiler';
import { walkSyntax } from '../syntaxWalk';
import { CONFIG_FILE_NAME } from '../config';
import type { FixContext, ProjectView } from '../rule';
import type { FileChange, Fix, TextEdit } from '../types';
import { planMove, type CallSite, type Decline, type ModuleBinding, type MovePlan } from './callSite';
import { type CodeStyle, detectStyle, indentAt, quoted, restyle, semi, specifierFrom } from './codeStyle';
import {
  createdPostExecutionText,
  emitterModuleText,
  ENABLED_ATTRIBUTE,
  EVENT_PREFIX,
  FILE_RUNNER_IMPORTS,
  fileRunnerText,
  INPUTS_ATTRIBUTE,
  REGISTRY_NAME,
  registryText,
  RUN_RECORDS_NAME,
} from './generatedCode';

export const MOVE_TITLE = 'Move analysis out of the execution path';
const OTEL_PACKAGE = '@opentelemetry/api';

export interface MoveData {
  start: number;
  end: number;
  analysisFile: string | undefined;
  analysisName: string;
  params: string[];
}

export interface Edit {
  start: number;
  end: number;
  text: string;
}

/** A call site the fix can plan: the call, its handler, and the names the rule resolved. */
export interface ResolvedSite extends CallSite {
  data: MoveData;
}

function findCall(source: ts.SourceFile, start: number, end: number): ts.CallExpression | ts.NewExpression | undefined {
  let found: ts.CallExpression | ts.NewExpression | undefined;
  const visit = (node: ts.Node): boolean | void => {
    if (found !== undefined || node.getEnd() < start || node.getStart(source) > end) return false;
    if ((ts.isCallExpression(node) || ts.isNewExpression(node)) && node.getStart(source) === start && node.getEnd() === end) {
      found = node;
      return false;
    }
  };
  walkSyntax(source, visit);
  return found;
}

export function enclosingFunction(node: ts.Node): ts.FunctionLikeDeclaration | undefined {
  for (let current = node.parent; current !== undefined; current = current.parent) {
    if ((ts.isFunctionDeclaration(current) || ts.isMethodDeclaration(current) || ts.isArrowFunction(current) || ts.isFunctionExpression(current) || ts.isConstructorDeclaration(current) || ts.isGetAccessorDeclaration(current)) && current.body !== undefined) return current;
  }
  return undefined;
}

export function siteOf(source: ts.SourceFile, data: MoveData): ResolvedSite | undefined {
  const call = findCall(source, data.start, data.end);
  const handler = call === undefined ? undefined : enclosingFunction(call);
  return call === undefined || handler === undefined ? undefined : { source, call, handler, data };
}

export function isMoveData(value: unknown): value is MoveData {
  return typeof value === 'object' && value !== null && typeof (value as MoveData).start === 'number' && typeof (value as MoveData).analysisName === 'string';
}

/** The source of the file an import of `from` points to, for reading a class's constructor. */
export function importedSource(project: ProjectView, from: string, binding: ModuleBinding): ts.SourceFile | undefined {
  if (binding.specifier === undefined) return project.source(from)?.compilerNode;
  const fact = project.facts(from)?.imports.find((candidate) => candidate.specifier === binding.specifier);
  if (fact === undefined) return undefined;
  const target = project.resolveImport(from, fact);
  return target.kind === 'file' ? project.source(target.file)?.compilerNode : undefined;
}

export function plan(project: ProjectView, file: string, site: CallSite): MovePlan | Decline {
  return planMove(site, (binding) => importedSource(project, file, binding));
}

function eventName(planned: MovePlan, data: MoveData): string {
  return `${EVENT_PREFIX}${planned.callee.kind === 'method' ? `${planned.callee.className}.${planned.callee.method}` : data.analysisName}`;
}

/** Names of the recorded inputs: the analysis's parameters, else what the arguments are called. */
export function inputNames(planned: Pick<MovePlan, 'args'>, data: MoveData): string[] {
  const used = new Set<string>();
  return planned.args.map((argument, index) => {
    let name = data.params[index];
    if (name === undefined || name.startsWith('arg')) {
      if (ts.isIdentifier(argument)) name = argument.text;
      else if (ts.isPropertyAccessExpression(argument)) name = argument.name.text.replace(/^[A-Z]/, (letter) => letter.toLowerCase());
      else name = `arg${index}`;
    }
    while (used.has(name)) name = `${name}${index}`;
    used.add(name);
    return name;
  });
}

function objectKey(name: string, style: CodeStyle): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : quoted(name, style);
}

// ---- the handler ---------------------------------------------------------------

export type Emitter = { kind: 'otel' } | { kind: 'function'; file: string; name: string; create: boolean };

/** The project's own emitter: OpenTelemetry, the configured one, an exported function writing *.trace.jsonl; else one to create. */
export function chooseEmitter(project: ProjectView): Emitter {
  if (project.dependsOn(OTEL_PACKAGE)) return { kind: 'otel' };
  const configured = project.config.trace.emitter;
  if (configured !== undefined) return { kind: 'function', file: path.resolve(project.config.baseDir, configured.module), name: configured.export, create: false };
  for (const file of project.files()) {
    const source = project.source(file)?.compilerNode;
    if (source === undefined || !source.text.includes('.trace.jsonl')) continue;
    for (const statement of source.statements) {
      if (!ts.isFunctionDeclaration(statement) || statement.name === undefined || statement.body === undefined) continue;
      const exported = (ts.getModifiers(statement) ?? []).some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword);
      const [first, second] = statement.parameters;
      const takesEvent = first?.type?.kind === ts.SyntaxKind.StringKeyword && second !== undefined && second.type !== undefined && /Record<string|\{/.test(second.type.getText(source));
      if (exported && takesEvent && /append|write/i.test(statement.body.getText(source))) return { kind: 'function', file, name: statement.name.text, create: false };
    }
  }
  const base = project.hasFileUnder(path.join(project.root, 'src')) ? 'src/' : '';
  return { kind: 'function', file: path.resolve(project.config.baseDir, project.config.trace.emitterModule ?? `${base}tracing/emitTraceEvent.ts`), name: 'emitTraceEvent', create: true };
}

/** The statement recording the analysis's inputs in an event, after a comment saying where it runs now. */
export function emitStatement(planned: Pick<MovePlan, 'args' | 'gate'>, data: MoveData, event: string, emitter: Emitter, source: ts.SourceFile, style: CodeStyle, comment: string): string {
  const names = inputNames(planned, data);
  const inputs = planned.args.map((argument, index) => {
    const value = argument.getText(source);
    return value === names[index] ? value : `${objectKey(names[index]!, style)}: ${value}`;
  });
  const attributes = [`${quoted(INPUTS_ATTRIBUTE, style)}: JSON.stringify({ ${inputs.join(', ')} })`];
  if (planned.gate !== undefined) {
    const gate = planned.gate.getText(source);
    const isBoolean = ts.isPrefixUnaryExpression(planned.gate) || (ts.isBinaryExpression(planned.gate) && /^(===|!==|==|!=|<|>|<=|>=)$/.test(planned.gate.operatorToken.getText(source)));
    attributes.push(`${quoted(ENABLED_ATTRIBUTE, style)}: ${isBoolean ? gate : `Boolean(${gate})`}`);
  }
  const name = quoted(event, style);
  const call = emitter.kind === 'otel' ? `trace.getActiveSpan()?.addEvent(${name}, { ${attributes.join(', ')} })` : `${emitter.name}(${name}, { ${attributes.join(', ')} })`;
  return `// ${comment}\n${call}${semi(style)}`;
}

/** A path from one file to another, for a comment. */
export function relativeTo(file: string, target: string): string {
  return path.relative(path.dirname(file), target).split(path.sep).join('/');
}

export function importLine(binding: ModuleBinding, specifier: string, style: CodeStyle): string {
  const from = quoted(specifier, style);
  let clause: string;
  if (binding.imported === 'default') clause = binding.local;
  else if (binding.imported === '*') clause = `* as ${binding.local}`;
  else clause = binding.imported === binding.local ? `{ ${binding.local} }` : `{ ${binding.imported} as ${binding.local} }`;
  return `import ${clause} from ${from}${semi(style)}`;
}

/** Where a new import goes: after the last import, else at the top (after a leading comment block). */
export function importInsertion(source: ts.SourceFile, line: string): Edit {
  const imports = source.statements.filter((statement) => ts.isImportDeclaration(statement) || ts.isImportEqualsDeclaration(statement));
  const last = imports[imports.length - 1];
  if (last !== undefined) return { start: last.getEnd(), end: last.getEnd(), text: `\n${line}` };
  const first = source.statements[0];
  const offset = first === undefined ? source.text.length : first.getStart(source);
  return { start: offset, end: offset, text: `${line}\n${first === undefined ? '' : '\n'}` };
}

/**
 * An import insertion that does not touch the imports being removed: after the
 * last import that stays, or in place of the first removed one (whose removal
 * edit then carries the new line, and no insertion is returned).
 */
function importInsertionAround(source: ts.SourceFile, line: string, removals: Edit[]): Edit | undefined {
  const imports = source.statements.filter(ts.isImportDeclaration);
  const wholeRemoval = (statement: ts.ImportDeclaration) => removals.find((edit) => edit.start <= statement.getStart(source) && edit.end >= statement.getEnd());
  const kept = imports.filter((statement) => wholeRemoval(statement) === undefined);
  const last = kept[kept.length - 1];
  if (last !== undefined || imports.length === 0) return importInsertion(source, line);
  const removal = wholeRemoval(imports[0]!)!;
  removal.text = `${line}\n`;
  return undefined;
}

/** Whether a module-level import binds `local` already. */
export function bindsLocally(source: ts.SourceFile, local: string): boolean {
  return source.statements.some((statement) => {
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      if (clause?.name?.text === local) return true;
      const named = clause?.namedBindings;
      if (named !== undefined && ts.isNamespaceImport(named)) return named.name.text === local;
      return named !== undefined && named.elements.some((element) => element.name.text === local);
    }
    if (ts.isVariableStatement(statement)) return statement.declarationList.declarations.some((declaration) => ts.isIdentifier(declaration.name) && declaration.name.text === local);
    return (ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name?.text === local;
  });
}

/** Uses of a name outside the given ranges (the code that moves, the declarations themselves). */
export function usesOutside(source: ts.SourceFile, name: string, skip: readonly ts.Node[]): number {
  let count = 0;
  const visit = (node: ts.Node): boolean | void => {
    if (skip.includes(node)) return false;
    if (ts.isIdentifier(node) && node.text === name) {
      const parent = node.parent;
      const isName = (ts.isPropertyAccessExpression(parent) && parent.name === node) || (ts.isPropertyAssignment(parent) && parent.name === node);
      if (!isName) count += 1;
    }
  };
  walkSyntax(source, visit);
  return count;
}

/** The edit removing one import binding, or the whole declaration (with its line) when it was the only one. */
function removeImportBinding(source: ts.SourceFile, declaration: ts.ImportDeclaration, local: string): Edit {
  const clause = declaration.importClause!;
  const named = clause.namedBindings;
  const count = (clause.name !== undefined ? 1 : 0) + (named === undefined ? 0 : ts.isNamespaceImport(named) ? 1 : named.elements.length);
  if (count === 1) return wholeLines(source, declaration);
  if (clause.name?.text === local) return { start: clause.name.getStart(source), end: named!.getStart(source), text: '' };
  if (named !== undefined && ts.isNamedImports(named)) {
    const elements = named.elements;
    const index = elements.findIndex((element) => element.name.text === local);
    const element = elements[index]!;
    if (elements.length === 1) return { start: clause.name!.getEnd(), end: named.getEnd(), text: '' };
    const next = elements[index + 1];
    return next !== undefined ? { start: element.getStart(source), end: next.getStart(source), text: '' } : { start: elements[index - 1]!.getEnd(), end: element.getEnd(), text: '' };
  }
  return wholeLines(source, declaration);
}

/** A statement's whole lines: its indentation and its line break go with it. */
function wholeLines(source: ts.SourceFile, node: ts.Node): Edit {
  const text = source.text;
  let start = node.getStart(source);
  while (start > 0 && (text[start - 1] === ' ' || text[start - 1] === '\t')) start -= 1;
  let end = node.getEnd();
  if (text[end] === '\r') end += 1;
  if (text[end] === '\n') end += 1;
  return { start, end, text: '' };
}

export function declarationOf(source: ts.SourceFile, local: string): ts.ImportDeclaration | ts.VariableStatement | undefined {
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement) && bindsLocally({ ...source, statements: ts.factory.createNodeArray([statement]) } as ts.SourceFile, local)) return statement;
    if (ts.isVariableStatement(statement) && statement.declarationList.declarations.length === 1 && statement.declarationList.declarations.some((declaration) => ts.isIdentifier(declaration.name) && declaration.name.text === local)) return statement;
  }
  return undefined;
}

/**
 * Removes what only the moved code used: imports, and a module-level instance
 * (`const analyzer = new RevenueAnalyzer()`) with the import of its class.
 */
function deadBindingEdits(source: ts.SourceFile, plans: readonly MovePlan[]): Edit[] {
  const removed: ts.Node[] = plans.flatMap((planned) => planned.removed);
  const candidates: string[] = [];
  for (const planned of plans) {
    if (planned.callee.kind === 'function') candidates.push(planned.callee.local);
    else candidates.push(planned.callee.instance, planned.callee.import.local);
    candidates.push(...planned.bindings.map((binding) => binding.local));
  }
  const edits: Edit[] = [];
  const handled = new Set<string>();
  for (const local of candidates) {
    if (handled.has(local)) continue;
    handled.add(local);
    const declaration = declarationOf(source, local);
    if (declaration === undefined || usesOutside(source, local, [...removed, declaration]) > 0) continue;
    if (ts.isVariableStatement(declaration)) {
      edits.push(wholeLines(source, declaration));
      removed.push(declaration);
    } else {
      edits.push(removeImportBinding(source, declaration, local));
    }
  }
  // Two bindings of one import declaration: remove the declaration once.
  return mergeImportRemovals(source, edits);
}

function mergeImportRemovals(source: ts.SourceFile, edits: Edit[]): Edit[] {
  const byDeclaration = new Map<ts.ImportDeclaration, Edit[]>();
  const others: Edit[] = [];
  for (const edit of edits) {
    const declaration = source.statements.find((statement): statement is ts.ImportDeclaration => ts.isImportDeclaration(statement) && statement.getStart(source) <= edit.start + 1 && statement.getEnd() >= edit.end - 1);
    if (declaration === undefined) others.push(edit);
    else byDeclaration.set(declaration, [...(byDeclaration.get(declaration) ?? []), edit]);
  }
  for (const [declaration, group] of byDeclaration) {
    const clause = declaration.importClause!;
    const named = clause.namedBindings;
    const count = (clause.name !== undefined ? 1 : 0) + (named === undefined ? 0 : ts.isNamespaceImport(named) ? 1 : named.elements.length);
    if (group.length >= count) others.push(wholeLines(source, declaration));
    else others.push(...dedupeEdits(group));
  }
  return dedupeEdits(others);
}

function dedupeEdits(edits: Edit[]): Edit[] {
  const seen = new Set<string>();
  return edits.filter((edit) => {
    const key = `${edit.start}:${edit.end}:${edit.text}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// ---- the post-execution module ------------------------------------------------------

/** The configured post-execution module, an intelligence-plane module named like one, or the one to create. */
export function postExecutionFile(project: ProjectView): { file: string; create: boolean } {
  const configured = project.config.trace.postExecutionModule;
  if (configured !== undefined) {
    const file = path.resolve(project.config.baseDir, configured);
    return { file, create: !project.fileExists(file) };
  }
  const named = project.files().find((file) => /^post[-_]?execution\.(ts|mts|cts|js|mjs)$/i.test(path.basename(file)) && project.planeOf(file).plane === 'intelligence');
  if (named !== undefined) return { file: named, create: false };
  const base = project.hasFileUnder(path.join(project.root, 'src')) ? 'src/' : '';
  return { file: path.resolve(project.config.baseDir, `${base}analysis/postExecution.ts`), create: true };
}

/** Dedents moved statements and replaces the recorded arguments (and `this.` receivers) with what the step receives. */
function movedCode(planned: MovePlan, names: readonly string[], source: ts.SourceFile): string {
  const replacements: Edit[] = planned.args.map((argument, index) => ({ start: argument.getStart(source), end: argument.getEnd(), text: `inputs.${names[index]}` }));
  if (planned.callee.kind === 'method') {
    const receiver = (planned.moved[0] !== undefined ? findReceiver(planned, source) : undefined);
    if (receiver !== undefined) replacements.push({ start: receiver.getStart(source), end: receiver.getEnd(), text: planned.callee.instance });
  }
  return planned.moved
    .map((statement) => {
      const start = statement.getStart(source);
      let text = source.text.slice(start, statement.getEnd());
      for (const edit of [...replacements].filter((candidate) => candidate.start >= start && candidate.end <= statement.getEnd()).sort((a, b) => b.start - a.start)) {
        text = text.slice(0, edit.start - start) + edit.text + text.slice(edit.end - start);
      }
      const indent = indentAt(source.text, start);
      return text
        .split('\n')
        .map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line.trimStart()))
        .join('\n');
    })
    .join('\n');
}

function findReceiver(planned: MovePlan, source: ts.SourceFile): ts.Expression | undefined {
  let receiver: ts.Expression | undefined;
  const visit = (node: ts.Node): boolean | void => {
    if (receiver !== undefined) return false;
    if (ts.isCallExpression(node) && planned.args.length === node.arguments.length && node.arguments.every((argument, index) => argument === planned.args[index]) && ts.isPropertyAccessExpression(node.expression)) {
      receiver = node.expression.expression;
      return false;
    }
  };
  for (const statement of planned.moved) walkSyntax(statement, visit);
  void source;
  return receiver;
}

/** One registry entry: the event name -> the moved code, with typed inputs. */
function registryEntry(planned: MovePlan, data: MoveData, source: ts.SourceFile): string {
  const names = inputNames(planned, data);
  const signature = planned.callee.kind === 'function' ? `typeof ${planned.callee.text}` : `${planned.callee.import.local}['${planned.callee.method}']`;
  const fields = names.map((name, index) => `${/^[A-Za-z_$][\w$]*$/.test(name) ? name : `'${name}'`}: Parameters<${signature}>[${index}]`);
  const parameter = `inputs: { ${fields.join('; ')} }`;
  const code = movedCode(planned, names, source);
  const isAsync = /\bawait\b/.test(code);
  const key = `'${eventName(planned, data)}'`;
  const single = planned.moved.length === 1 && ts.isExpressionStatement(planned.moved[0]!) && !code.includes('\n');
  if (single) return `  ${key}: ${isAsync ? 'async ' : ''}(${parameter}) => ${code.replace(/;$/, '')},`;
  const body = code
    .split('\n')
    .map((line) => (line === '' ? line : `    ${line}`))
    .join('\n');
  return `  ${key}: ${isAsync ? 'async ' : ''}(${parameter}) => {\n${body}\n  },`;
}

function findRegistry(source: ts.SourceFile): ts.ObjectLiteralExpression | undefined {
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (ts.isIdentifier(declaration.name) && declaration.name.text === REGISTRY_NAME && declaration.initializer !== undefined && ts.isObjectLiteralExpression(declaration.initializer)) return declaration.initializer;
    }
  }
  return undefined;
}

/**
 * Where the project's post-execution entry point reads each trace: inside a
 * loop over trace paths, `const trace = readTraceFile(tracePath)` and later
 * `trace.records`. The moved analyses run right after, on the records already
 * read, in an async function.
 */
function wiringPoint(source: ts.SourceFile): { after: ts.Statement; records: string } | undefined {
  let found: { after: ts.Statement; records: string } | undefined;
  const visit = (node: ts.Node): boolean | void => {
    if (found !== undefined) return false;
    if (ts.isForOfStatement(node) && ts.isVariableDeclarationList(node.initializer) && ts.isIdentifier(node.initializer.declarations[0]!.name) && ts.isBlock(node.statement)) {
      const loopVariable = node.initializer.declarations[0]!.name.text;
      const owner = enclosingFunction(node);
      const isAsync = owner !== undefined && (ts.getModifiers(owner) ?? []).some((modifier) => modifier.kind === ts.SyntaxKind.AsyncKeyword);
      for (const statement of node.statement.statements) {
        if (!isAsync || !ts.isVariableStatement(statement)) continue;
        const declaration = statement.declarationList.declarations[0]!;
        const init = declaration.initializer;
        if (!ts.isIdentifier(declaration.name) || init === undefined || !ts.isCallExpression(init) || init.arguments[0]?.getText(source) !== loopVariable) continue;
        const name = declaration.name.text;
        const property = new RegExp(`\\b${name}\\.(records|events)\\b`).exec(node.statement.getText(source));
        if (property !== null) found = { after: statement, records: `${name}.${property[1]}` };
      }
    }
  };
  walkSyntax(source, visit);
  return found;
}

function postExecutionImports(plans: readonly { planned: Pick<MovePlan, 'callee' | 'bindings'> }[], handlerFile: string, postFile: string, postSource: ts.SourceFile | undefined, style: CodeStyle): string[] {
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const { planned } of plans) {
    const bindings = [planned.callee.import, ...planned.bindings];
    for (const binding of bindings) {
      if (seen.has(binding.local) || (postSource !== undefined && bindsLocally(postSource, binding.local))) continue;
      seen.add(binding.local);
      const specifier =
        binding.specifier === undefined
          ? specifierFrom(postFile, handlerFile, style)
          : binding.specifier.startsWith('.')
            ? specifierFrom(postFile, path.resolve(path.dirname(handlerFile), binding.specifier.replace(/\.(m|c)?js$/, '')), style)
            : binding.specifier;
      lines.push(importLine(binding, specifier, style));
    }
  }
  return lines;
}

function instanceDeclarations(plans: readonly { planned: Pick<MovePlan, 'callee'> }[], postSource: ts.SourceFile | undefined, style: CodeStyle): string[] {
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const { planned } of plans) {
    const callee = planned.callee;
    if (callee.kind !== 'method' || seen.has(callee.instance) || (postSource !== undefined && bindsLocally(postSource, callee.instance))) continue;
    seen.add(callee.instance);
    lines.push(`const ${callee.instance} = new ${callee.import.local}(${callee.constructorArgs})${semi(style)}`);
  }
  return lines;
}

// ---- planewise.config.json ----------------------------------------------------------

/** Records what the fix created in the config (creating the config when there is none), so the next fix finds it. */
export function configChange(project: ProjectView, settings: Record<string, unknown>): FileChange | undefined {
  if (Object.keys(settings).length === 0) return undefined;
  const file = project.config.file;
  if (file === undefined) return { kind: 'create', file: path.join(project.root, CONFIG_FILE_NAME), text: `${JSON.stringify({ trace: settings }, null, 2)}\n` };
  const text = project.readFile(file);
  if (text === undefined) return undefined;
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const source = ts.parseJsonText(file, text);
  const root = source.statements[0]?.expression;
  if (root === undefined || !ts.isObjectLiteralExpression(root)) return undefined;
  const traceProperty = root.properties.find((property): property is ts.PropertyAssignment => ts.isPropertyAssignment(property) && property.name.getText(source) === '"trace"');
  const indent = /\n([ \t]+)"/.exec(text)?.[1] ?? '  ';
  const render = (value: unknown, depth: number) => JSON.stringify(value, null, indent).split('\n').join(`\n${indent.repeat(depth)}`);
  let edit: Edit;
  if (traceProperty === undefined || !ts.isObjectLiteralExpression(traceProperty.initializer)) {
    const last = root.properties[root.properties.length - 1];
    const at = last === undefined ? root.getStart(source) + 1 : last.getEnd();
    edit = { start: at, end: at, text: `${last === undefined ? '' : ','}\n${indent}"trace": ${render(settings, 1)}` };
  } else {
    const trace = traceProperty.initializer;
    const last = trace.properties[trace.properties.length - 1];
    const at = last === undefined ? trace.getStart(source) + 1 : last.getEnd();
    const entries = Object.entries(settings).map(([key, value]) => `\n${indent.repeat(2)}"${key}": ${render(value, 2)}`);
    edit = { start: at, end: at, text: `${last === undefined ? '' : ','}${entries.join(',')}` };
  }
  void parsed;
  return { kind: 'edit', file, edits: toTextEdits(text, [edit]) };
}

export function toTextEdits(text: string, edits: readonly Edit[]): TextEdit[] {
  const position = (offset: number) => {
    const before = text.slice(0, offset);
    const line = before.split('\n').length - 1;
    return { line, character: offset - (before.lastIndexOf('\n') + 1) };
  };
  return [...edits].sort((a, b) => a.start - b.start).map((edit) => ({ range: { start: position(edit.start), end: position(edit.end) }, newText: edit.text }));
}

// ---- the fix ----------------------------------------------------------------------

/** The emitter's import in the handler's module, and the emitter itself when the fix creates it. */
export function emitterChanges(context: FixContext<unknown>, emitter: Emitter, style: CodeStyle, addImport: (line: string) => void, configSettings: Record<string, unknown>): FileChange[] {
  const { project, file } = context;
  const source = context.source.compilerNode;
  if (emitter.kind === 'otel') {
    if (!bindsLocally(source, 'trace')) addImport(`import { trace } from ${quoted(OTEL_PACKAGE, style)}${semi(style)}`);
    return [];
  }
  if (!bindsLocally(source, emitter.name)) addImport(importLine({ local: emitter.name, imported: emitter.name, specifier: undefined }, specifierFrom(file, emitter.file, style), style));
  if (!emitter.create || project.fileExists(emitter.file)) return [];
  configSettings.emitter = { module: path.relative(project.config.baseDir, emitter.file).split(path.sep).join('/'), export: emitter.name };
  return [{ kind: 'create', file: emitter.file, text: restyle(emitterModuleText(project.packageName() ?? 'service'), style) }];
}

/** What a fix runs after execution: registry entries, what they need from the handler's module, and helpers of other modules. */
export interface PostExecutionWork {
  plans: readonly { planned: Pick<MovePlan, 'callee' | 'bindings'> }[];
  entries: readonly string[];
  /** Exported functions of other modules the entries call (`writeLastResult`). */
  helpers: readonly { name: string; file: string }[];
}

/** The post-execution module: created runnable, or extended and wired into its entry point. */
export function postExecutionChanges(project: ProjectView, handlerFile: string, handlerStyle: CodeStyle, post: { file: string; create: boolean }, work: PostExecutionWork, configSettings: Record<string, unknown>): FileChange[] {
  const { plans, entries } = work;
  const postSource = post.create ? undefined : project.source(post.file)?.compilerNode;
  const helperImports = (postSource: ts.SourceFile | undefined, style: CodeStyle) =>
    work.helpers.filter((helper) => postSource === undefined || !bindsLocally(postSource, helper.name)).map((helper) => importLine({ local: helper.name, imported: helper.name, specifier: undefined }, specifierFrom(post.file, helper.file, style), style));
  if (post.create) {
    const moduleBase = path.basename(post.file).replace(/\.[^.]+$/, '');
    if (project.config.trace.postExecutionModule === undefined) configSettings.postExecutionModule = path.relative(project.config.baseDir, post.file).split(path.sep).join('/');
    // A created module is written in the style of the handler's module.
    const imports = [...postExecutionImports(plans, handlerFile, post.file, undefined, handlerStyle), ...helperImports(undefined, handlerStyle)];
    return [{ kind: 'create', file: post.file, text: restyle(createdPostExecutionText(imports, instanceDeclarations(plans, undefined, handlerStyle), entries, moduleBase), handlerStyle) }];
  }
  if (postSource === undefined) return [];
  const postStyle = detectStyle(postSource);
  const postEdits: Edit[] = [];
  for (const line of [...postExecutionImports(plans, handlerFile, post.file, postSource, postStyle), ...helperImports(postSource, postStyle)]) postEdits.push(importInsertion(postSource, line));
  const declarations = instanceDeclarations(plans, postSource, postStyle);
  const registry = findRegistry(postSource);
  if (registry === undefined) {
    const wiring = wiringPoint(postSource);
    if (wiring === undefined) for (const line of FILE_RUNNER_IMPORTS) if (!postSource.text.includes(line.slice(line.indexOf(' from ')))) postEdits.push(importInsertion(postSource, restyle(line, postStyle)));
    const end = postSource.text.length;
    const appended = `${declarations.length > 0 ? `${declarations.join('\n')}\n\n` : ''}${registryText(entries)}${wiring === undefined ? `\n${fileRunnerText(path.basename(post.file).replace(/\.[^.]+$/, ''))}` : ''}`;
    postEdits.push({ start: end, end, text: `${postSource.text.endsWith('\n') ? '' : '\n'}\n${restyle(appended, postStyle)}` });
    if (wiring !== undefined) {
      const indent = indentAt(postSource.text, wiring.after.getStart(postSource));
      postEdits.push({ start: wiring.after.getEnd(), end: wiring.after.getEnd(), text: `\n${indent}await ${RUN_RECORDS_NAME}(${wiring.records})${semi(postStyle)}` });
    }
  } else {
    const fresh = entries.filter((entry) => !registry.getText(postSource).includes(entry.slice(0, entry.indexOf(':'))));
    const closing = registry.getEnd() - 1;
    const before = postSource.text.slice(0, closing).trimEnd();
    const needsComma = !before.endsWith(',') && !before.endsWith('{');
    if (fresh.length > 0) postEdits.push({ start: before.length, end: closing, text: `${needsComma ? ',' : ''}\n${restyle(fresh.join('\n'), postStyle)}\n` });
    if (declarations.length > 0) {
      const statement = registry.parent.parent.parent as ts.Statement;
      postEdits.push({ start: statement.getStart(postSource), end: statement.getStart(postSource), text: `${declarations.join('\n')}\n\n` });
    }
  }
  return [{ kind: 'edit', file: post.file, edits: toTextEdits(postSource.text, postEdits) }];
}

/** One fix moving every given call (all of one handler's, or just one) out of the execution path. */
function buildFix(context: FixContext<unknown>, sites: readonly { site: ResolvedSite; planned: MovePlan; fingerprint: string }[], title: string): Fix {
  const { project, file } = context;
  const source = context.source.compilerNode;
  const style = detectStyle(source);
  const emitter = chooseEmitter(project);
  const post = postExecutionFile(project);
  const configSettings: Record<string, unknown> = {};

  // The handler: each call's slice becomes an event; what only the moved code used goes.
  const edits: Edit[] = [];
  for (const { site, planned } of sites) {
    const [first, ...rest] = planned.removed;
    const indent = indentAt(source.text, first!.getStart(source));
    const statement = emitStatement(planned, site.data, eventName(planned, site.data), emitter, source, style, `Runs after execution, from this event: ${relativeTo(file, post.file)}`).split('\n').join(`\n${indent}`);
    edits.push({ start: first!.getStart(source), end: first!.getEnd(), text: statement });
    for (const other of rest) edits.push(wholeLines(source, other));
  }
  const removals = deadBindingEdits(source, sites.map((entry) => entry.planned));
  edits.push(...removals);
  const addImport = (line: string) => {
    const insertion = importInsertionAround(source, line, removals);
    if (insertion !== undefined) edits.push(insertion);
  };
  const created = emitterChanges(context, emitter, style, addImport, configSettings);
  const changes: FileChange[] = [{ kind: 'edit', file, edits: toTextEdits(source.text, edits) }, ...created];
  const entries = sites.map(({ site, planned }) => registryEntry(planned, site.data, source));
  changes.push(...postExecutionChanges(project, file, style, post, { plans: sites, entries, helpers: [] }, configSettings));
  const config = configChange(project, configSettings);
  if (config !== undefined) changes.push(config);

  const resolves = sites.map((entry) => entry.fingerprint);
  // The analysis import may also be what no-product-import-in-platform reports: when it goes with the call, so does that finding.
  const removedImports = source.statements.filter((statement) => ts.isImportDeclaration(statement) && removals.some((edit) => edit.start <= statement.getStart(source) && edit.end >= statement.getEnd()));
  for (const other of context.fileFindings) {
    if (other.ruleId !== 'no-product-import-in-platform') continue;
    if (removedImports.some((statement) => source.getLineAndCharacterOfPosition(statement.getStart(source)).line === other.range.start.line)) resolves.push(other.fingerprint);
  }
  return { title, kind: 'quickfix', resolves, isPreferred: sites.length === 1, changes };
}

export function moveAnalysisFixes(context: FixContext<unknown>): Fix[] {
  const { finding, project, file } = context;
  if (finding.messageId !== 'direct' && finding.messageId !== 'transitive') return [];
  if (!isMoveData(finding.fixData)) return [];
  const source = context.source.compilerNode;
  const site = siteOf(source, finding.fixData);
  if (site === undefined) return moduleInstanceFixes(context, finding.fixData);
  const planned = plan(project, file, site);
  if (planned.kind === 'decline') return [{ title: MOVE_TITLE, kind: 'quickfix', resolves: [finding.fingerprint], changes: [], disabled: { reason: `unavailable: ${planned.reason}` } }];
  const fixes = [buildFix(context, [{ site, planned, fingerprint: finding.fingerprint }], MOVE_TITLE)];

  // The other analyses of the same handler that can move: all of them in one edit.
  const siblings: { site: ResolvedSite; planned: MovePlan; fingerprint: string }[] = [];
  for (const other of context.fileFindings) {
    if (other.ruleId !== finding.ruleId || !isMoveData(other.fixData)) continue;
    const otherSite = siteOf(source, other.fixData);
    if (otherSite === undefined || otherSite.handler !== site.handler) continue;
    const otherPlan = plan(project, file, otherSite);
    if (otherPlan.kind === 'move') siblings.push({ site: otherSite, planned: otherPlan, fingerprint: other.fingerprint });
  }
  const overlapping = siblings.some((a, i) => siblings.some((b, j) => i !== j && a.planned.removed.some((statement) => b.planned.removed.some((other) => statement.pos < other.end && other.pos < statement.end))));
  if (siblings.length > 1 && !overlapping) {
    const name = ts.isFunctionDeclaration(site.handler) || ts.isMethodDeclaration(site.handler) ? (site.handler.name?.getText(source) ?? 'this handler') : 'this handler';
    fixes.push(buildFix(context, siblings, `Move all ${siblings.length} analyses of ${name} out of the execution path`));
  }
  return fixes;
}

/**
 * A module-level instance of an analysis class (`const analyzer = new
 * RevenueAnalyzer()`): every method call on it in the module's handlers moves,
 * and the instance moves to the post-execution module with them.
 */
function moduleInstanceFixes(context: FixContext<unknown>, data: MoveData): Fix[] {
  const source = context.source.compilerNode;
  const construction = findCall(source, data.start, data.end);
  const declaration = construction?.parent;
  if (construction === undefined || !ts.isNewExpression(construction) || declaration === undefined || !ts.isVariableDeclaration(declaration) || !ts.isIdentifier(declaration.name)) return [];
  const instance = declaration.name.text;
  const sites: { site: ResolvedSite; planned: MovePlan; fingerprint: string }[] = [];
  let declined: Decline | undefined;
  const visit = (node: ts.Node): boolean | void => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && ts.isIdentifier(node.expression.expression) && node.expression.expression.text === instance) {
      const handler = enclosingFunction(node);
      const method = node.expression.name.text;
      const site: ResolvedSite | undefined = handler === undefined ? undefined : { source, call: node, handler, data: { start: node.getStart(source), end: node.getEnd(), analysisFile: data.analysisFile, analysisName: `${data.analysisName}.${method}`, params: [] } };
      const planned = site === undefined ? undefined : plan(context.project, context.file, site);
      if (site === undefined || planned === undefined) declined ??= { kind: 'decline', reason: `\`${instance}.${method}\` is called outside a function`, hint: '' };
      else if (planned.kind === 'decline') declined ??= planned;
      else sites.push({ site, planned, fingerprint: context.finding.fingerprint });
    }
  };
  walkSyntax(source, visit);
  if (declined !== undefined) return [{ title: MOVE_TITLE, kind: 'quickfix', resolves: [context.finding.fingerprint], changes: [], disabled: { reason: `unavailable: ${declined.reason}` } }];
  if (sites.length === 0) return [];
  return [buildFix(context, sites, MOVE_TITLE)];
}
