/**
 * Code that writes trace records must write the versioned header the trace
 * contract requires (`{"kind":"header","schema":"planewise.trace","version":"1.0",...}`
 * first): readers refuse or misread artifacts without it. Writers are files
 * that write or append to trace files (*.trace.jsonl by default) and the
 * configured emitter module.
 */
import path from 'node:path';
import picomatch from 'picomatch';
import { ts } from '../compiler';
import { TRACE_SCHEMA_ID, TRACE_SCHEMA_VERSION } from '../../trace/schema';
import { codeSnippet } from '../messageText';
import { defineRule } from '../rule';
import { walkSyntax } from '../syntaxWalk';
import type { Fix } from '../types';

export const DEFAULT_TRACE_FILE_PATTERNS = ['*.trace.jsonl', '*.trace.json', '*.trace'];
const WRITE_FUNCTIONS = new Set(['writeFileSync', 'appendFileSync', 'writeFile', 'appendFile', 'createWriteStream', 'openSync']);

interface HeaderFixData {
  /** Offset just after the header object's last property, where missing fields go. */
  insertAt: number;
  missing: string[];
}

const traceNameMatchers = new WeakMap<readonly string[], (name: string) => boolean>();

/** Compiled once per pattern list: rules run once per file. */
function traceNameMatcher(patterns: readonly string[]): (name: string) => boolean {
  let matcher = traceNameMatchers.get(patterns);
  if (matcher === undefined) {
    matcher = picomatch([...patterns], { basename: true, dot: true });
    traceNameMatchers.set(patterns, matcher);
  }
  return matcher;
}

function isHeaderLiteral(node: ts.ObjectLiteralExpression): boolean {
  return node.properties.some(
    (property) => ts.isPropertyAssignment(property) && property.name.getText() === 'kind' && ts.isStringLiteralLike(property.initializer) && property.initializer.text === 'header',
  );
}

function propertyOf(node: ts.ObjectLiteralExpression, name: string): ts.ObjectLiteralElementLike | undefined {
  return node.properties.find((property) => property.name !== undefined && property.name.getText().replace(/['"]/g, '') === name);
}

export const versionedTraceArtifacts = defineRule({
  meta: {
    id: 'versioned-trace-artifacts',
    appliesTo: 'artifacts',
    defaultSeverity: 'error',
    docs: {
      description: 'Code that writes trace records must write the header with the schema and version the trace contract requires.',
      page: 'docs/rules/versioned-trace-artifacts.md',
    },
    fixable: true,
    messages: {
      headerMissingFields: 'Trace header without {missing}',
      badVersion: 'Trace header version {version} is not "major.minor" like "{current}"',
      noHeader: 'Writes trace records to {target} without a versioned header',
    },
  },
  defaultOptions: undefined,
  check(context) {
    const { project, file } = context;
    const emitter = project.config.trace.emitter;
    const isEmitterModule = emitter !== undefined && path.resolve(project.config.baseDir, emitter.module) === file;
    // A file whose text names no write function writes no trace: most files, and no tree to walk.
    const text = context.source.getFullText();
    if (!isEmitterModule && ![...WRITE_FUNCTIONS].some((name) => text.includes(name))) return;
    const source = context.source.compilerNode;
    const patterns = project.config.trace.filePatterns ?? DEFAULT_TRACE_FILE_PATTERNS;
    const isTraceName = traceNameMatcher(patterns);

    /** String texts reachable from an expression: literals in it, and in the initializers of the consts it names. */
    const constInitializers = new Map<string, ts.Expression>();
    walkSyntax(source, (node) => {
      if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer !== undefined) constInitializers.set(node.name.text, node.initializer);
    });
    const mentionsTraceFile = (node: ts.Node, depth = 0): string | undefined => {
      let found: string | undefined;
      walkSyntax(node, (child) => {
        if (found !== undefined) return false;
        if (ts.isStringLiteralLike(child) || ts.isTemplateHead(child) || ts.isTemplateMiddle(child) || ts.isTemplateTail(child)) {
          if (isTraceName(child.text.split(/[\\/]/).pop() ?? '')) found = child.text;
        } else if (ts.isIdentifier(child) && depth < 3) {
          const initializer = constInitializers.get(child.text);
          if (initializer !== undefined) found = mentionsTraceFile(initializer, depth + 1);
        }
        return true;
      });
      return found;
    };

    const writes: { node: ts.CallExpression; target: string }[] = [];
    const headers: ts.ObjectLiteralExpression[] = [];
    walkSyntax(source, (node) => {
      if (ts.isCallExpression(node)) {
        const callee = node.expression;
        const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
        const target = name !== undefined && WRITE_FUNCTIONS.has(name) && node.arguments[0] !== undefined ? mentionsTraceFile(node.arguments[0]) : undefined;
        if (target !== undefined) writes.push({ node, target });
      }
      if (ts.isObjectLiteralExpression(node) && isHeaderLiteral(node)) headers.push(node);
    });
    if (writes.length === 0 && !isEmitterModule) return;

    const rangeOf = (node: ts.Node) => ({ start: source.getLineAndCharacterOfPosition(node.getStart(source)), end: source.getLineAndCharacterOfPosition(node.getEnd()) });
    const data = { schema: TRACE_SCHEMA_ID, current: TRACE_SCHEMA_VERSION };
    if (headers.length === 0) {
      const first = writes[0];
      context.report({
        messageId: 'noHeader',
        data: { ...data, target: first === undefined ? 'the trace file' : codeSnippet(first.target) },
        range: first !== undefined ? rangeOf(first.node) : { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        key: 'no-header',
      });
      return;
    }
    headers.forEach((header, index) => {
      const missing = ['schema', 'version'].filter((name) => propertyOf(header, name) === undefined);
      if (missing.length > 0) {
        const last = header.properties[header.properties.length - 1]!;
        const fixData: HeaderFixData = { insertAt: last.getEnd(), missing };
        context.report({ messageId: 'headerMissingFields', data: { missing: missing.map((name) => `"${name}"`).join(' and ') }, range: rangeOf(header), key: `header:${index}`, fixData });
        return;
      }
      const version = propertyOf(header, 'version');
      if (version !== undefined && ts.isPropertyAssignment(version) && ts.isStringLiteralLike(version.initializer) && !/^\d+\.\d+$/.test(version.initializer.text)) {
        context.report({ messageId: 'badVersion', data: { ...data, version: codeSnippet(JSON.stringify(version.initializer.text)) }, range: rangeOf(version), key: `version:${index}` });
      }
    });
  },
  fixes(context): Fix[] {
    const data = context.finding.fixData as HeaderFixData | undefined;
    if (context.finding.messageId !== 'headerMissingFields' || data === undefined) return [];
    const values: Record<string, string> = { schema: `'${TRACE_SCHEMA_ID}'`, version: `'${TRACE_SCHEMA_VERSION}'` };
    const source = context.source.compilerNode;
    const position = source.getLineAndCharacterOfPosition(data.insertAt);
    return [
      {
        title: `Add the trace ${data.missing.join(' and ')} to the header`,
        kind: 'quickfix',
        resolves: [context.finding.fingerprint],
        isPreferred: true,
        changes: [{ kind: 'edit', file: context.file, edits: [{ range: { start: position, end: position }, newText: data.missing.map((name) => `, ${name}: ${values[name]}`).join('') }] }],
      },
    ];
  },
});
