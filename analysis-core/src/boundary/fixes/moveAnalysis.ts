/**
 * "Move analysis out of the execution path": one fix across files. In the
 * handler, the analysis call (and a flag-only `if` around it) becomes a trace
 * event carrying the call's inputs; the analysis moves to the project's
 * post-execution module, which runs it from the trace file after execution.
 * The event goes through OpenTelemetry when the project depends on
 * @opentelemetry/api, else the configured emitter, else a small emitter
 * module the fix creates.
 */
import path from 'node:path';
import { ts } from 'ts-morph';
import { TRACE_SCHEMA_ID, TRACE_SCHEMA_VERSION } from '../../trace/schema';
import type { ImportFact } from '../facts';
import { toPosix } from '../planes';
import { walkSyntax } from '../syntaxWalk';
import type { FixContext, ProjectView } from '../rule';
import type { FileChange, Fix, TextEdit } from '../types';

interface MoveData {
  start: number;
  end: number;
  analysisFile: string | undefined;
  analysisName: string;
  params: string[];
}

export const EVENT_PREFIX = 'planewise.analysis.';
export const REGISTRY_NAME = 'postExecutionAnalyses';
const OTEL_PACKAGE = '@opentelemetry/api';

function findCall(source: ts.SourceFile, start: number, end: number): ts.CallExpression | ts.NewExpression | undefined {
  let found: ts.CallExpression | ts.NewExpression | undefined;
  walkSyntax(source, (node) => {
    if (found !== undefined || node.getEnd() < start || node.getStart(source) > end) return false;
    if ((ts.isCallExpression(node) || ts.isNewExpression(node)) && node.getStart(source) === start && node.getEnd() === end) {
      found = node;
      return false;
    }
    return true;
  });
  return found;
}

function hasCall(root: ts.Node): boolean {
  let found = false;
  walkSyntax(root, (node) => {
    found ||= ts.isCallExpression(node) || ts.isNewExpression(node) || ts.isAwaitExpression(node);
    return !found;
  });
  return found;
}

/** The statement to replace: the call's own statement, or a flag-only `if` that holds nothing else. */
function statementToReplace(call: ts.Expression): ts.Statement | undefined {
  let node: ts.Node = call;
  while (ts.isAwaitExpression(node.parent) || ts.isVoidExpression(node.parent) || ts.isParenthesizedExpression(node.parent)) node = node.parent;
  const statement = node.parent;
  if (statement === undefined || !ts.isExpressionStatement(statement)) return undefined;
  let container: ts.Node = statement.parent;
  let replaced: ts.Statement = statement;
  if (ts.isBlock(container) && container.statements.length === 1) container = container.parent;
  if (ts.isIfStatement(container) && container.elseStatement === undefined && !hasCall(container.expression)) {
    const body = container.thenStatement;
    if (body === statement || (ts.isBlock(body) && body.statements.length === 1)) replaced = container;
  }
  return replaced;
}

/** A relative module specifier in the style the file already uses (with or without ".js"). */
function specifierFrom(fromFile: string, toFile: string, useJsExtension: boolean): string {
  let relative = toPosix(path.relative(path.dirname(fromFile), toFile)).replace(/\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/, '');
  if (relative.endsWith('/index')) relative = relative.slice(0, -'/index'.length);
  if (!relative.startsWith('.')) relative = `./${relative}`;
  return useJsExtension ? `${relative}.js` : relative;
}

function usesJsExtensions(imports: readonly ImportFact[]): boolean {
  return imports.some((fact) => fact.specifier.startsWith('.') && /\.js$/.test(fact.specifier));
}

/** Where a new import line goes: after the last import, else before the first statement. */
function importInsertion(source: ts.SourceFile, line: string): { offset: number; text: string } {
  const imports = source.statements.filter((statement) => ts.isImportDeclaration(statement) || ts.isImportEqualsDeclaration(statement));
  const last = imports[imports.length - 1];
  if (last !== undefined) return { offset: last.getEnd(), text: `\n${line}` };
  const first = source.statements[0];
  return { offset: first === undefined ? source.text.length : first.getStart(source), text: `${line}\n${first === undefined ? '' : '\n'}` };
}

function identifierUses(source: ts.SourceFile, name: string, skip: (node: ts.Node) => boolean): number {
  let count = 0;
  walkSyntax(source, (node) => {
    if (skip(node)) return false;
    if (ts.isIdentifier(node) && node.text === name) count += 1;
    return true;
  });
  return count;
}

interface AnalysisImport {
  declaration: ts.ImportDeclaration;
  local: string;
  imported: string;
}

function analysisImportOf(source: ts.SourceFile, calleeRoot: string): AnalysisImport | undefined {
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) || statement.importClause === undefined) continue;
    const clause = statement.importClause;
    if (clause.name?.text === calleeRoot) return { declaration: statement, local: calleeRoot, imported: 'default' };
    const named = clause.namedBindings;
    if (named !== undefined && ts.isNamespaceImport(named) && named.name.text === calleeRoot) return { declaration: statement, local: calleeRoot, imported: '*' };
    if (named !== undefined && ts.isNamedImports(named)) {
      const element = named.elements.find((candidate) => candidate.name.text === calleeRoot);
      if (element !== undefined) return { declaration: statement, local: calleeRoot, imported: (element.propertyName ?? element.name).text };
    }
  }
  return undefined;
}

/** Removes one binding of an import, or the whole declaration (with its line) when it was the only one. */
function removeBinding(source: ts.SourceFile, found: AnalysisImport): { start: number; end: number; text: string } {
  const clause = found.declaration.importClause!;
  const named = clause.namedBindings;
  const bindingCount = (clause.name !== undefined ? 1 : 0) + (named === undefined ? 0 : ts.isNamespaceImport(named) ? 1 : named.elements.length);
  if (bindingCount === 1) {
    const start = found.declaration.getStart(source);
    let end = found.declaration.getEnd();
    if (source.text[end] === '\r') end += 1;
    if (source.text[end] === '\n') end += 1;
    return { start, end, text: '' };
  }
  if (named !== undefined && ts.isNamedImports(named)) {
    const elements = named.elements;
    const index = elements.findIndex((element) => element.name.text === found.local);
    if (index !== -1) {
      const element = elements[index]!;
      if (elements.length === 1) {
        // `import def, { only } from` -> `import def from`
        return { start: clause.name!.getEnd(), end: named.getEnd(), text: '' };
      }
      const next = elements[index + 1];
      return next !== undefined ? { start: element.getStart(source), end: next.getStart(source), text: '' } : { start: elements[index - 1]!.getEnd(), end: element.getEnd(), text: '' };
    }
  }
  // The default binding beside named ones: `import def, { a } from` -> `import { a } from`
  return { start: clause.name!.getStart(source), end: named!.getStart(source), text: '' };
}

function importLine(local: string, imported: string, specifier: string): string {
  if (imported === 'default') return `import ${local} from '${specifier}';`;
  if (imported === '*') return `import * as ${local} from '${specifier}';`;
  return imported === local ? `import { ${local} } from '${specifier}';` : `import { ${imported} as ${local} } from '${specifier}';`;
}

function quote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function propertyKey(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : quote(name);
}

function defaultModulePath(project: ProjectView, file: string | undefined, fallback: string): string {
  return path.resolve(project.config.baseDir, file ?? fallback);
}

function hasSrcFiles(project: ProjectView): boolean {
  return project.hasFileUnder(path.join(project.root, 'src'));
}

export function emitterModuleText(serviceName: string): string {
  return `// @plane data
// Emits trace events as Planewise trace records: JSON Lines, a versioned header
// first. Analyses read this file after execution instead of running in the
// request path.
import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync } from 'node:fs';

const TRACE_FILE = process.env.PLANEWISE_TRACE_FILE ?? 'service.trace.jsonl';
const SERVICE = process.env.PLANEWISE_SERVICE ?? ${quote(serviceName)};

export function emitTraceEvent(operation: string, inputs: Record<string, unknown>): void {
  if (!existsSync(TRACE_FILE)) {
    const header = { kind: 'header', schema: '${TRACE_SCHEMA_ID}', version: '${TRACE_SCHEMA_VERSION}', producer: { name: SERVICE } };
    appendFileSync(TRACE_FILE, \`\${JSON.stringify(header)}\\n\`);
  }
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(inputs)) attributes[name] = JSON.stringify(value) ?? 'null';
  const event = { kind: 'span', ts: Date.now(), service: SERVICE, operation, traceId: randomUUID(), spanId: randomUUID(), durationMs: 0, status: 'unset', attributes };
  appendFileSync(TRACE_FILE, \`\${JSON.stringify(event)}\\n\`);
}
`;
}

/** The registry and its runner: what the fix creates, or appends to an existing post-execution module. */
export function postExecutionRegistry(entry: string, readFile: string): string {
  return `/** Inputs of analyses moved out of the execution path arrive as JSON text in trace event attributes. */
function postExecutionInput(value: unknown): any {
  return typeof value === 'string' ? JSON.parse(value) : value;
}

/** Trace event operation -> the analysis it feeds. */
export const ${REGISTRY_NAME}: Record<string, (inputs: Record<string, unknown>) => unknown> = {
${entry}
};

/** Runs the registered analyses for the events of one trace file; returns how many ran. */
export async function runPostExecutionAnalyses(traceFile: string): Promise<number> {
  const [headerLine, ...lines] = ${readFile}(traceFile, 'utf8').split('\\n');
  const header = JSON.parse(headerLine ?? '{}') as { schema?: string; version?: string };
  if (header.schema !== '${TRACE_SCHEMA_ID}' || !String(header.version).startsWith('${TRACE_SCHEMA_VERSION.split('.')[0]}.')) {
    throw new Error(\`\${traceFile}: not a ${TRACE_SCHEMA_ID} ${TRACE_SCHEMA_VERSION.split('.')[0]}.x trace (schema \${String(header.schema)}, version \${String(header.version)})\`);
  }
  let ran = 0;
  for (const line of lines) {
    if (line.trim() === '') continue;
    const record = JSON.parse(line) as { kind?: string; operation?: string; attributes?: Record<string, unknown> };
    const analysis = record.kind === 'span' && record.operation !== undefined ? ${REGISTRY_NAME}[record.operation] : undefined;
    if (analysis === undefined) continue;
    await analysis(record.attributes ?? {});
    ran += 1;
  }
  return ran;
}
`;
}

export function postExecutionModuleText(importText: string, entry: string): string {
  return `// @plane intelligence
// Runs analyses after execution, from the trace files the service writes: they
// never run on a request path and never call the live system.
import { readFileSync } from 'node:fs';
${importText}

${postExecutionRegistry(entry, 'readFileSync')}`;
}

/** The local name of fs.readFileSync in a module, if it imports it. */
function readFileBinding(source: ts.SourceFile): string | undefined {
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier) || !['fs', 'node:fs'].includes(statement.moduleSpecifier.text)) continue;
    const named = statement.importClause?.namedBindings;
    if (named === undefined || !ts.isNamedImports(named)) continue;
    const element = named.elements.find((candidate) => (candidate.propertyName ?? candidate.name).text === 'readFileSync');
    if (element !== undefined) return element.name.text;
  }
  return undefined;
}

function toEdits(source: ts.SourceFile, edits: { start: number; end: number; text: string }[]): TextEdit[] {
  return edits.map((edit) => ({
    range: { start: source.getLineAndCharacterOfPosition(edit.start), end: source.getLineAndCharacterOfPosition(edit.end) },
    newText: edit.text,
  }));
}

export function moveAnalysisFixes(context: FixContext<unknown>): Fix[] {
  const { finding, project, file } = context;
  if (finding.messageId !== 'direct' && finding.messageId !== 'transitive') return [];
  const data = finding.fixData as MoveData | undefined;
  if (data === undefined) return [];
  const source = context.source.compilerNode;
  const call = findCall(source, data.start, data.end);
  if (call === undefined) return [];
  const replaced = statementToReplace(call);
  // The result is used (assigned, returned, passed on): moving the call would change behaviour.
  if (replaced === undefined) return [];

  const calleeText = call.expression.getText(source);
  const calleeRoot = calleeText.split('.')[0]!;
  // `this.reports.generate()` only means something inside its class: the post-execution module cannot call it as written.
  if (calleeRoot === 'this') return [];
  const analysisImport = analysisImportOf(source, calleeRoot);
  // A function of this very file must be exported for the post-execution module to import it.
  if (analysisImport === undefined && (data.analysisFile === undefined || project.facts(data.analysisFile)?.exports.has(data.analysisName) !== true)) return [];
  const args = call.arguments ?? ts.factory.createNodeArray<ts.Expression>();
  const inputs = args.map((argument, index) => {
    const spread = ts.isSpreadElement(argument);
    const name = spread ? 'args' : (data.params[index] ?? `arg${index}`);
    const value = spread ? `[${argument.getText(source)}]` : argument.getText(source);
    return { name, value };
  });
  const eventName = `${EVENT_PREFIX}${data.analysisName}`;
  const useJs = usesJsExtensions(context.facts.imports);
  const edits: { start: number; end: number; text: string }[] = [];
  const changes: FileChange[] = [];

  let emit: string;
  const trace = project.config.trace;
  if (project.dependsOn(OTEL_PACKAGE)) {
    const attributes = inputs.map((input) => `${propertyKey(input.name)}: JSON.stringify(${input.value})`).join(', ');
    emit = `trace.getActiveSpan()?.addEvent('${eventName}', { ${attributes} });`;
    const hasTrace = source.statements.some(
      (statement) => ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier) && statement.moduleSpecifier.text === OTEL_PACKAGE && /\btrace\b/.test(statement.importClause?.getText(source) ?? ''),
    );
    if (!hasTrace) {
      const insertion = importInsertion(source, `import { trace } from '${OTEL_PACKAGE}';`);
      edits.push({ start: insertion.offset, end: insertion.offset, text: insertion.text });
    }
  } else {
    const emitterFile = trace.emitter !== undefined ? path.resolve(project.config.baseDir, trace.emitter.module) : defaultModulePath(project, trace.emitterModule, hasSrcFiles(project) ? 'src/tracing/emitTraceEvent.ts' : 'tracing/emitTraceEvent.ts');
    const emitterName = trace.emitter?.export ?? 'emitTraceEvent';
    const object = inputs.map((input) => (input.name === input.value ? input.name : `${propertyKey(input.name)}: ${input.value}`)).join(', ');
    emit = `${emitterName}('${eventName}', { ${object} });`;
    const alreadyImported = context.facts.imports.some((fact) => fact.bindings.has(emitterName));
    if (!alreadyImported) {
      const insertion = importInsertion(source, `import { ${emitterName} } from '${specifierFrom(file, emitterFile, useJs)}';`);
      edits.push({ start: insertion.offset, end: insertion.offset, text: insertion.text });
    }
    if (trace.emitter === undefined && project.facts(emitterFile) === undefined && !project.fileExists(emitterFile)) {
      changes.push({ kind: 'create', file: emitterFile, text: emitterModuleText(project.packageName() ?? 'service') });
    }
  }
  edits.push({ start: replaced.getStart(source), end: replaced.getEnd(), text: emit });

  // The analysis import goes when nothing else in the file uses it.
  const resolves = [finding.fingerprint];
  if (analysisImport !== undefined) {
    const uses = identifierUses(source, analysisImport.local, (node) => node === analysisImport.declaration || node === replaced);
    if (uses === 0) {
      const removal = removeBinding(source, analysisImport);
      edits.push(removal);
      const importStart = source.getLineAndCharacterOfPosition(analysisImport.declaration.getStart(source));
      for (const other of context.fileFindings) {
        if (other.ruleId === 'no-product-import-in-platform' && other.range.start.line === importStart.line) resolves.push(other.fingerprint);
      }
    }
  }
  changes.unshift({ kind: 'edit', file, edits: toEdits(source, edits.sort((a, b) => a.start - b.start)) });

  // The post-execution module: created with the analysis registered, or extended.
  const postFile = defaultModulePath(project, trace.postExecutionModule, hasSrcFiles(project) ? 'src/analysis/postExecution.ts' : 'analysis/postExecution.ts');
  let analysisSpecifier: string | undefined;
  if (analysisImport !== undefined) {
    const original = (analysisImport.declaration.moduleSpecifier as ts.StringLiteral).text;
    analysisSpecifier = original.startsWith('.') ? specifierFrom(postFile, path.resolve(path.dirname(file), original), useJs) : original;
  } else if (data.analysisFile !== undefined) {
    analysisSpecifier = specifierFrom(postFile, data.analysisFile, useJs);
  }
  if (analysisSpecifier === undefined) return [];
  const local = analysisImport?.local ?? calleeRoot;
  const imported = analysisImport?.imported ?? data.analysisName;
  const callArgs = inputs.map((input) => (input.name === 'args' && input.value.startsWith('[...') ? `...postExecutionInput(inputs['args'])` : `postExecutionInput(inputs[${quote(input.name)}])`)).join(', ');
  const entry = `  ${quote(eventName)}: (inputs) => ${call.kind === ts.SyntaxKind.NewExpression ? 'new ' : ''}${calleeText}(${callArgs}),`;
  const postSource = project.source(postFile)?.compilerNode;
  if (postSource === undefined && !project.fileExists(postFile)) {
    changes.push({ kind: 'create', file: postFile, text: postExecutionModuleText(importLine(local, imported, analysisSpecifier), entry) });
  } else if (postSource !== undefined) {
    const postEdits: { start: number; end: number; text: string }[] = [];
    const alreadyImported = postSource.statements.some((statement) => ts.isImportDeclaration(statement) && (statement.importClause?.getText(postSource) ?? '').match(new RegExp(`\\b${local}\\b`)) !== null);
    if (!alreadyImported) {
      const insertion = importInsertion(postSource, importLine(local, imported, analysisSpecifier));
      postEdits.push({ start: insertion.offset, end: insertion.offset, text: insertion.text });
    }
    const registry = findRegistry(postSource);
    if (registry === undefined) {
      // A module of the project's own: the registry and its runner go at its end.
      let readFile = readFileBinding(postSource);
      if (readFile === undefined) {
        readFile = 'readTraceText';
        const insertion = importInsertion(postSource, "import { readFileSync as readTraceText } from 'node:fs';");
        postEdits.push({ start: insertion.offset, end: insertion.offset, text: insertion.text });
      }
      const end = postSource.text.length;
      postEdits.push({ start: end, end, text: `${postSource.text.endsWith('\n') ? '' : '\n'}\n${postExecutionRegistry(entry, readFile)}` });
    } else if (!registry.getText(postSource).includes(`'${eventName}'`)) {
      const closing = registry.getEnd() - 1;
      const before = postSource.text.slice(0, closing).trimEnd();
      const needsComma = !before.endsWith(',') && !before.endsWith('{');
      postEdits.push({ start: before.length, end: closing, text: `${needsComma ? ',' : ''}\n${entry}\n` });
    }
    if (postEdits.length > 0) changes.push({ kind: 'edit', file: postFile, edits: toEdits(postSource, postEdits.sort((a, b) => a.start - b.start)) });
  } else {
    // The module exists but is not part of the checked files (excluded): leave it to the user.
    return [];
  }

  return [
    {
      title: 'Move analysis out of the execution path',
      kind: 'quickfix',
      resolves,
      isPreferred: true,
      changes,
    },
  ];
}

function findRegistry(source: ts.SourceFile): ts.ObjectLiteralExpression | undefined {
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (ts.isIdentifier(declaration.name) && declaration.name.text === REGISTRY_NAME && declaration.initializer !== undefined && ts.isObjectLiteralExpression(declaration.initializer)) {
        return declaration.initializer;
      }
    }
  }
  return undefined;
}
