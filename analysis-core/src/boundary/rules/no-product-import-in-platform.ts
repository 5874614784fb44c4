/**
 * Data- and control-plane modules must not import intelligence-plane modules
 * or product packages, directly or through a chain of unassigned modules.
 * Type-only imports are fine: no code crosses the boundary at run time.
 */
import { isPlatform, isProductSide } from '../planes';
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
  for (const fact of facts?.imports ?? []) {
    if (fact.typeOnly) continue;
    const target = project.resolveImport(file, fact);
    if (target.kind === 'package') {
      if (project.isProductPackage(target.name)) {
        result = [{ file, range: fact.range, to: target.name }];
        break;
      }
    } else if (target.kind === 'file') {
      const plane = project.planeOf(target.file);
      if (isProductSide(plane)) {
        result = [{ file, range: fact.range, to: project.relative(target.file) }];
        break;
      }
      // Platform modules answer for their own imports; only unassigned code is looked through.
      if (plane.plane !== undefined) continue;
      const rest = productImportChain(project, target.file, memo, visiting);
      if (rest !== null) {
        result = [{ file, range: fact.range, to: project.relative(target.file) }, ...rest];
        break;
      }
    }
  }
  visiting.delete(file);
  memo.set(file, result);
  return result;
}

export const noProductImportInPlatform = defineRule({
  meta: {
    id: 'no-product-import-in-platform',
    defaultSeverity: 'error',
    docs: {
      description: 'Data- and control-plane modules must not import intelligence-plane modules or product packages, directly or through a chain of imports.',
      page: 'docs/rules/no-product-import-in-platform.md',
    },
    fixable: false,
    messages: {
      direct: '{plane}-plane module imports {kind} "{target}": platform code must not depend on product code.',
      chain: '{plane}-plane module reaches {kind} "{target}" through {hops} imports ({chain}): platform code must not depend on product code.',
    },
  },
  defaultOptions: undefined,
  check(context) {
    const { project, plane } = context;
    if (!isPlatform(plane)) return;
    const memo = new Map<string, Hop[] | null>();
    for (const fact of context.facts.imports) {
      if (fact.typeOnly) continue;
      const target = project.resolveImport(context.file, fact);
      if (target.kind === 'package') {
        if (project.isProductPackage(target.name)) {
          context.report({ messageId: 'direct', data: { plane: plane.plane!, kind: 'product package', target: target.name }, range: fact.range, key: `package:${target.name}` });
        }
        continue;
      }
      if (target.kind !== 'file') continue;
      const targetPlane = project.planeOf(target.file);
      const relativeTarget = project.relative(target.file);
      if (isProductSide(targetPlane)) {
        const kind = targetPlane.plane === 'intelligence' ? 'intelligence-plane module' : 'product module';
        context.report({ messageId: 'direct', data: { plane: plane.plane!, kind, target: relativeTarget }, range: fact.range, key: `file:${relativeTarget}` });
        continue;
      }
      if (targetPlane.plane !== undefined) continue;
      const chain = productImportChain(project, target.file, memo);
      if (chain === null) continue;
      const last = chain[chain.length - 1]!;
      const names = [project.relative(context.file), relativeTarget, ...chain.map((hop) => hop.to)];
      context.report({
        messageId: 'chain',
        data: { plane: plane.plane!, kind: 'product code', target: last.to, hops: chain.length + 1, chain: names.join(' -> ') },
        range: fact.range,
        key: `chain:${relativeTarget}:${last.to}`,
        related: chain.map((hop) => ({ file: hop.file, range: hop.range, message: `${project.relative(hop.file)} imports ${hop.to}` })),
      });
    }
  },
});
