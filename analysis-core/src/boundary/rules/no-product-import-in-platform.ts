/**
 * Data- and control-plane modules must not import intelligence-plane modules
 * or product packages, directly or through a chain of unassigned modules.
 * Type-only imports are fine: no code crosses the boundary at run time.
 * Through a barrel (`index.ts` re-exporting many modules) only the modules
 * defining the names actually imported are followed. Each edge is reported
 * once per importing file, with the number of imports that use it, unless a
 * call through the import is reported as analysis: that call is the finding.
 */
import { isPlatform, isProductSide } from '../planes';
import type { ImportFact } from '../facts';
import { defineRule, type ProjectView } from '../rule';
import type { RelatedInformation } from '../types';

interface Hop {
  /** The importing file and its import. */
  file: string;
  range: RelatedInformation['range'];
  to: string;
}

/** The chain from `file` (unassigned code) to product code, if its imports reach any. */
export function productImportChain(project: ProjectView, file: string, memo: Map<string, Hop[] | null>, visiting = new Set<string>()): Hop[] | null {
  const known = memo.get(file);
  if (known !== undefined) return known;
  if (visiting.has(file)) return null;
  visiting.add(file);
  let result: Hop[] | null = null;
  const facts = project.facts(file);
  outer: for (const [index, fact] of (facts?.imports ?? []).entries()) {
    if (fact.typeOnly) continue;
    const target = project.resolveImport(file, fact);
    if (target.kind === 'package') {
      if (project.isProductPackage(target.name)) {
        result = [{ file, range: fact.range, to: target.name }];
        break;
      }
    } else if (target.kind === 'file') {
      // Each hop follows only the modules defining the names it imports, as the first one does.
      for (const defining of definingFiles(project, file, index, fact, target.file)) {
        const plane = project.planeOf(defining);
        if (isProductSide(plane)) {
          result = [{ file, range: fact.range, to: project.relative(defining) }];
          break outer;
        }
        // Platform modules answer for their own imports; only unassigned code is looked through.
        if (plane.plane !== undefined) continue;
        const rest = productImportChain(project, defining, memo, visiting);
        if (rest !== null) {
          result = [{ file, range: fact.range, to: project.relative(defining) }, ...rest];
          break outer;
        }
      }
    }
  }
  visiting.delete(file);
  memo.set(file, result);
  return result;
}

/**
 * Where the code of a name an import takes is defined: the module defining
 * it (through re-exports), `package` for a package's export, undefined when
 * it is no value (a type, or a name the barrel does not have).
 */
function valueSource(project: ProjectView, file: string, index: number, name: string): { file: string } | 'package' | undefined {
  const resolved = project.resolveCall(file, { kind: 'import', importIndex: index, name, member: undefined });
  if (resolved.kind === 'package') return 'package';
  if (resolved.kind === 'function') return { file: resolved.file };
  if (resolved.kind === 'module' && (resolved.name === '*' || project.facts(resolved.file)?.exports.has(resolved.name) === true)) return { file: resolved.file };
  return undefined;
}

/**
 * The files an import really loads code from: for named imports, the modules
 * defining those names (through re-exports); for namespace, default-less side
 * effect or unresolvable names, the imported file itself.
 */
function definingFiles(project: ProjectView, file: string, index: number, fact: ImportFact, target: string): string[] {
  const names = takenNames(fact);
  if (names.length === 0 || names.includes('*')) return [target];
  const found = new Set<string>();
  for (const name of names) {
    // A name that is no value has no code of its own crossing here.
    const source = valueSource(project, file, index, name);
    if (typeof source === 'object') found.add(source.file);
  }
  return [...found];
}

/** The names an import takes from its module: its bindings, or for `export { a, b } from`, the names re-exported. */
function takenNames(fact: ImportFact): string[] {
  return [...new Set(fact.reexports instanceof Map ? fact.reexports.values() : fact.bindings.values())];
}

/** The names an import takes that are code (a namespace, functions, classes, values), not types. */
function valueNames(project: ProjectView, file: string, index: number, fact: ImportFact): string[] {
  return takenNames(fact).filter((name) => name === '*' || valueSource(project, file, index, name) !== undefined);
}

export const noProductImportInPlatform = defineRule({
  meta: {
    id: 'no-product-import-in-platform',
    appliesTo: 'platform',
    defaultSeverity: 'error',
    docs: {
      description: 'Data- and control-plane modules must not import intelligence-plane modules or product packages, directly or through a chain of imports.',
      page: 'docs/rules/no-product-import-in-platform.md',
    },
    fixable: false,
    importsOnly: true,
    // The chain of imports is the related information; why platform code must not depend on product code is on the docs page.
    messages: {
      direct: 'Imports {kind} {target}{uses}',
      chain: 'Reaches {kind} {target} in {hops} imports{uses}',
    },
  },
  defaultOptions: undefined,
  check(context) {
    const { project, plane } = context;
    if (!isPlatform(plane)) return;
    const memo = new Map<string, Hop[] | null>();
    /** One finding per edge (key); later imports using the same edge only add to its count. */
    const edges = new Map<string, { report: Parameters<typeof context.report>[0]; uses: number }>();
    const recordEdge = (key: string, report: Parameters<typeof context.report>[0]): void => {
      const edge = edges.get(key);
      if (edge === undefined) edges.set(key, { report, uses: 1 });
      else edge.uses += 1;
    };
    context.facts.imports.forEach((fact, index) => {
      if (fact.typeOnly) return;
      let importedNames: string[] | undefined;
      const addEdge = (key: string, report: Parameters<typeof context.report>[0]): void => recordEdge(key, { ...report, importedNames: (importedNames ??= valueNames(project, context.file, index, fact)) });
      const target = project.resolveImport(context.file, fact);
      if (target.kind === 'package') {
        if (project.isProductPackage(target.name)) {
          addEdge(`package:${target.name}`, { messageId: 'direct', data: { kind: 'product package', target: target.name }, range: fact.range, key: `package:${target.name}` });
        }
        return;
      }
      if (target.kind !== 'file') return;
      const targetPlane = project.planeOf(target.file);
      const relativeTarget = project.relative(target.file);
      if (isProductSide(targetPlane)) {
        const kind = targetPlane.plane === 'intelligence' ? 'intelligence-plane module' : 'product module';
        addEdge(`file:${relativeTarget}`, { messageId: 'direct', data: { kind, target: relativeTarget }, range: fact.range, key: `file:${relativeTarget}` });
        return;
      }
      if (targetPlane.plane !== undefined) return;
      for (const defining of definingFiles(project, context.file, index, fact, target.file)) {
        const definingPlane = project.planeOf(defining);
        const relativeDefining = project.relative(defining);
        if (defining !== target.file && isProductSide(definingPlane)) {
          const kind = definingPlane.plane === 'intelligence' ? 'intelligence-plane module' : 'product module';
          addEdge(`file:${relativeDefining}`, {
            messageId: 'chain',
            data: { kind, target: relativeDefining, hops: 2 },
            range: fact.range,
            key: `file:${relativeDefining}`,
            related: [{ file: context.file, range: fact.range, message: `imports ${relativeTarget}, which re-exports ${relativeDefining}` }],
          });
          continue;
        }
        if (definingPlane.plane !== undefined) continue;
        const chain = productImportChain(project, defining, memo);
        if (chain === null) continue;
        const last = chain[chain.length - 1]!;
        const boundary = `${project.relative(last.file)} -> ${last.to}`;
        const names = [project.relative(context.file), relativeTarget, ...(defining === target.file ? [] : [relativeDefining]), ...chain.map((hop) => hop.to)];
        addEdge(`chain:${boundary}`, {
          messageId: 'chain',
          data: { kind: 'product code', target: last.to, hops: names.length - 1 },
          range: fact.range,
          key: `chain:${relativeTarget}:${last.to}`,
          related: [
            { file: context.file, range: fact.range, message: names.join(' -> ') },
            ...chain.map((hop) => ({ file: hop.file, range: hop.range, message: `${project.relative(hop.file)} imports ${hop.to}` })),
          ],
        });
      }
    });
    for (const { report, uses } of edges.values()) {
      // An edge several imports use stands for more than one statement: it is never folded into one call.
      const { importedNames, ...rest } = report;
      context.report({ ...rest, ...(uses === 1 && importedNames !== undefined && importedNames.length > 0 ? { importedNames } : {}), data: { ...report.data, uses: uses === 1 ? '' : ` (${uses} imports)` } });
    }
  },
});
