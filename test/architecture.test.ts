// The invariants ARCHITECTURE.md states, as tests: each names the rule it
// protects, so a failure says which boundary a change crossed.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ts } from 'ts-morph';

const root = path.resolve(__dirname, '..');
const SOURCE_ROOTS = ['analysis-core/src', 'server/src', 'client/src'];
const NETWORK_MODULES = new Set(['net', 'http', 'https', 'http2', 'dgram', 'tls', 'dns', 'undici']);
const NETWORK_GLOBALS = new Set(['fetch', 'WebSocket', 'XMLHttpRequest', 'EventSource']);

interface ImportEdge {
  from: string;
  specifier: string;
  /** The file it resolves to, for relative imports and the workspace's own packages. */
  to: string | undefined;
  typeOnly: boolean;
}

function sourceFiles(dir: string, found: string[] = []): string[] {
  for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const relative = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) sourceFiles(relative, found);
    else if (/\.(ts|tsx|mts)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) found.push(relative);
  }
  return found;
}

const WORKSPACE_ENTRIES: Record<string, string> = {
  '@planewise/analysis-core/trace': 'analysis-core/src/trace/index.ts',
  '@planewise/analysis-core/boundary': 'analysis-core/src/boundary/index.ts',
};

function resolveRelative(from: string, specifier: string): string | undefined {
  if (WORKSPACE_ENTRIES[specifier] !== undefined) return WORKSPACE_ENTRIES[specifier];
  if (!specifier.startsWith('.')) return undefined;
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier)).replace(/\.js$/, '');
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, `${base}/index.ts`]) {
    try {
      if (readdirSync(path.join(root, path.posix.dirname(candidate))).includes(path.posix.basename(candidate)) && /\.tsx?$/.test(candidate)) return candidate;
    } catch {
      // folder does not exist
    }
  }
  return undefined;
}

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(path.join(root, file), 'utf8'), ts.ScriptTarget.Latest, true);
}

/** Every import, export-from, require() and import() of a file. */
function importsOf(file: string, source = parse(file)): ImportEdge[] {
  const edges: ImportEdge[] = [];
  const add = (specifier: string, typeOnly: boolean) => edges.push({ from: file, specifier, to: resolveRelative(file, specifier), typeOnly });
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (clause.name === undefined && clause.namedBindings !== undefined && ts.isNamedImports(clause.namedBindings) && clause.namedBindings.elements.length > 0 && clause.namedBindings.elements.every((element) => element.isTypeOnly)));
      add(node.moduleSpecifier.text, typeOnly);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier !== undefined && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node.moduleSpecifier.text, node.isTypeOnly);
    } else if (ts.isCallExpression(node) && node.arguments.length === 1 && ts.isStringLiteral(node.arguments[0]!)) {
      const callee = node.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require')) add((node.arguments[0] as ts.StringLiteral).text, false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      add(node.argument.literal.text, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

const files = SOURCE_ROOTS.flatMap((dir) => sourceFiles(dir));
const production = files.filter((file) => !/\.test\.tsx?$/.test(file) && !file.includes('/testing/') && !file.endsWith('/testing.ts'));
const edges = new Map(files.map((file) => [file, importsOf(file)]));

function moduleName(specifier: string): string {
  return specifier.replace(/^node:/, '').split('/')[0]!;
}

describe('architecture invariants (ARCHITECTURE.md)', () => {
  it('analysis-core imports neither vscode nor the language server', () => {
    const offending = files
      .filter((file) => file.startsWith('analysis-core/'))
      .flatMap((file) => edges.get(file)!.filter((edge) => /^vscode($|-)/.test(edge.specifier)).map((edge) => `${file}: ${edge.specifier}`));
    assert.deepEqual(offending, []);
  });

  it('analysis-core opens no socket and makes no network request', () => {
    const offending: string[] = [];
    for (const file of production.filter((candidate) => candidate.startsWith('analysis-core/'))) {
      for (const edge of edges.get(file)!) if (NETWORK_MODULES.has(moduleName(edge.specifier))) offending.push(`${file}: imports ${edge.specifier}`);
      const visit = (node: ts.Node): void => {
        if (ts.isIdentifier(node) && NETWORK_GLOBALS.has(node.text) && !ts.isPropertyAccessExpression(node.parent)) offending.push(`${file}: uses ${node.text}`);
        ts.forEachChild(node, visit);
      };
      visit(parse(file));
    }
    assert.deepEqual(offending, []);
  });

  it('the client never reaches the boundary engine', () => {
    const offending = files
      .filter((file) => file.startsWith('client/'))
      .flatMap((file) => edges.get(file)!.filter((edge) => edge.to?.startsWith('analysis-core/src/boundary/') || edge.specifier.includes('analysis-core/boundary')).map((edge) => `${file}: ${edge.specifier}`));
    assert.deepEqual(offending, []);
  });

  it('trace code never imports the boundary engine', () => {
    const offending = files
      .filter((file) => file.startsWith('analysis-core/src/trace/'))
      .flatMap((file) => edges.get(file)!.filter((edge) => edge.to?.startsWith('analysis-core/src/boundary/')).map((edge) => `${file}: ${edge.specifier}`));
    assert.deepEqual(offending, []);
  });

  it('the CLI reaches the boundary engine only through the dynamic import in commands/check.ts', () => {
    const offending = files
      .filter((file) => file.startsWith('analysis-core/src/cli/') && !/\.test\.ts$/.test(file))
      .flatMap((file) => edges.get(file)!.filter((edge) => edge.to?.startsWith('analysis-core/src/boundary/') && !edge.typeOnly).map((edge) => ({ file, edge })))
      .filter(({ file, edge }) => !(file === 'analysis-core/src/cli/commands/check.ts' && isDynamicImport(file, edge.specifier)))
      .map(({ file, edge }) => `${file}: ${edge.specifier}`);
    assert.deepEqual(offending, []);
  });

  it('Planewise passes its own boundary check, with the planes of its planewise.config.json', async () => {
    const { createBoundaryEngine } = await import('../analysis-core/src/boundary');
    const result = createBoundaryEngine({ root }).check('all');
    const findings = [...[...result.findings.values()].flat(), ...result.configFindings].map((finding) => `${path.relative(root, finding.file)}:${finding.range.start.line + 1} ${finding.ruleId}: ${finding.message}`);
    assert.deepEqual(findings, []);
    assert.ok(result.filesChecked > 100, `only ${result.filesChecked} files checked`);
  });

  it('has no import cycles among the modules that run', () => {
    const graph = new Map<string, string[]>();
    for (const file of production) {
      graph.set(file, edges.get(file)!.filter((edge) => !edge.typeOnly && edge.to !== undefined && production.includes(edge.to)).map((edge) => edge.to!));
    }
    assert.deepEqual(findCycles(graph), []);
  });

  it('has no cycles in the trace engine even counting type imports (each module can be read bottom-up)', () => {
    const trace = production.filter((file) => file.startsWith('analysis-core/src/trace/'));
    const graph = new Map<string, string[]>();
    for (const file of trace) graph.set(file, edges.get(file)!.filter((edge) => edge.to !== undefined && trace.includes(edge.to)).map((edge) => edge.to!));
    assert.deepEqual(findCycles(graph), []);
  });
});

function isDynamicImport(file: string, specifier: string): boolean {
  let dynamic = false;
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && ts.isStringLiteral(node.arguments[0]!) && node.arguments[0].text === specifier) dynamic = true;
    ts.forEachChild(node, visit);
  };
  visit(parse(file));
  return dynamic;
}

/** Each cycle once, as the path around it (Tarjan's strongly connected components). */
function findCycles(graph: Map<string, string[]>): string[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[] = [];
  let counter = 0;
  const strongConnect = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        strongConnect(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || (graph.get(node) ?? []).includes(node)) cycles.push(component.sort().join(' -> '));
    }
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) strongConnect(node);
  return cycles;
}
