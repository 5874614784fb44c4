/**
 * Calls resolved across files: through imports, re-exports, `export *`, and
 * the values a module exports (`new C()`, what a factory returns); and the
 * functions other files register as request handlers.
 */
import type { CallTarget, FileFacts, FunctionFact, ImportFact, ValueOrigin } from './facts';
import type { ExternalEntry, ImportTarget, ResolvedCall } from './rule';

/** Re-export chains and factories deeper than this are left unresolved: real code does not nest that far, cycles do. */
const MAX_DEPTH = 12;

export interface CallGraphSource {
  files(): Iterable<string>;
  facts(file: string): FileFacts | undefined;
  resolveImport(from: string, fact: ImportFact): ImportTarget;
}

export interface CallGraph {
  resolveCall(from: string, target: CallTarget): ResolvedCall;
  /** Why `fn` runs on a request path when another file registers it as a handler, and where it does. */
  externalEntry(file: string, fn: FunctionFact): ExternalEntry | undefined;
  /** The other files whose functions this file registers as request handlers. */
  entryTargetsOf(file: string): Set<string>;
  /** Handler registrations changed (a file's facts, or which files exist): the index is rebuilt on the next question. */
  invalidate(): void;
}

export function createCallGraph(source: CallGraphSource): CallGraph {
  const { facts: factsOf, resolveImport } = source;
  /** file -> function key -> why and where another file registers it as a handler. */
  let externalEntries: Map<string, Map<string, ExternalEntry>> | undefined;
  /** What an imported name resolves to, by file, name and member: barrels with many `export *` are searched once per name. */
  const exportsResolved = new Map<string, ResolvedCall>();

  function resolveExport(file: string, name: string, member: string | undefined, depth: number): ResolvedCall {
    const facts = factsOf(file);
    if (facts === undefined || depth > MAX_DEPTH) return { kind: 'module', file, name };
    const exported = facts.exports.get(name);
    if (exported?.kind === 'local') {
      const key = member !== undefined ? `${exported.key}.${member}` : exported.key;
      const fn = facts.functions.get(key) ?? facts.functions.get(exported.key);
      return fn !== undefined ? { kind: 'function', file, fn } : { kind: 'module', file, name };
    }
    if (exported?.kind === 'value') {
      if (member !== undefined && exported.origin !== undefined) {
        const found = resolveMember(file, exported.origin, member, depth + 1);
        if (found.kind !== 'unknown') return found;
      }
      return { kind: 'module', file, name, constant: exported.constant };
    }
    if (exported?.kind === 'reexport') {
      const fact = facts.imports[exported.importIndex]!;
      const target = resolveImport(file, fact);
      if (target.kind === 'file') return exported.name === '*' ? { kind: 'module', file: target.file, name: member ?? '*' } : resolveExport(target.file, exported.name, member, depth + 1);
      if (target.kind === 'package') return { kind: 'package', name: target.name, exportName: exported.name, member };
      return { kind: 'unknown' };
    }
    if (exported === undefined && name !== 'default' && name !== '*') {
      for (const index of facts.starExports) {
        const target = resolveImport(file, facts.imports[index]!);
        if (target.kind !== 'file') continue;
        const found = resolveExport(target.file, name, member, depth + 1);
        if (found.kind === 'function' || (found.kind === 'module' && factsOf(target.file)?.exports.has(name))) return found;
      }
    }
    return { kind: 'module', file, name };
  }

  function resolveCall(from: string, target: CallTarget): ResolvedCall {
    switch (target.kind) {
      case 'local': {
        const fn = factsOf(from)?.functions.get(target.key);
        return fn === undefined ? { kind: 'unknown' } : { kind: 'function', file: from, fn };
      }
      case 'member':
        return resolveMember(from, target.origin, target.member, 0);
      case 'global':
        return target;
      case 'unknown':
        return target;
      case 'import': {
        const fact = factsOf(from)?.imports[target.importIndex];
        if (fact === undefined) return { kind: 'unknown' };
        const resolved = resolveImport(from, fact);
        if (resolved.kind === 'package') return { kind: 'package', name: resolved.name, exportName: target.name, member: target.member };
        if (resolved.kind === 'unresolved') return { kind: 'unknown' };
        const key = `${resolved.file}\u0000${target.name}\u0000${target.member ?? ''}`;
        let found = exportsResolved.get(key);
        if (found === undefined) exportsResolved.set(key, (found = resolveExport(resolved.file, target.name, target.member, 0)));
        return found;
      }
    }
  }

  /** A method of a value made in `file`: of its class for `new C()`, of what the factory returns for `createC()`. */
  function resolveMember(file: string, origin: ValueOrigin, member: string, depth: number): ResolvedCall {
    if (depth > MAX_DEPTH) return { kind: 'unknown' };
    const of = origin.of;
    if (origin.kind === 'instance') {
      if (of.kind === 'local') return resolveCall(file, { kind: 'local', key: `${of.key}.${member}` });
      if (of.kind === 'import' && of.member === undefined) return resolveCall(file, { ...of, member });
      return { kind: 'unknown' };
    }
    const factory = of.kind === 'member' ? resolveMember(file, of.origin, of.member, depth + 1) : resolveCall(file, of);
    if (factory.kind === 'function') return factory.fn.returns === undefined ? { kind: 'unknown' } : resolveMember(factory.file, factory.fn.returns, member, depth + 1);
    if (factory.kind === 'package') return { ...factory, member: factory.member ?? member };
    // A factory known only by module (a class, an object) of product code still leads into it.
    return factory;
  }

  function externalEntryIndex(): Map<string, Map<string, ExternalEntry>> {
    if (externalEntries !== undefined) return externalEntries;
    externalEntries = new Map();
    for (const file of source.files()) {
      for (const reference of factsOf(file)?.entryReferences ?? []) {
        const resolved = resolveCall(file, reference.target);
        if (resolved.kind !== 'function' || resolved.file === file) continue;
        let byKey = externalEntries.get(resolved.file);
        if (byKey === undefined) externalEntries.set(resolved.file, (byKey = new Map()));
        byKey.set(resolved.fn.key, { reason: reference.reason, file, range: reference.range });
      }
    }
    return externalEntries;
  }

  return {
    resolveCall,
    externalEntry: (file, fn) => externalEntryIndex().get(file)?.get(fn.key),
    entryTargetsOf(file) {
      const targets = new Set<string>();
      for (const reference of factsOf(file)?.entryReferences ?? []) {
        const resolved = resolveCall(file, reference.target);
        if (resolved.kind === 'function' && resolved.file !== file) targets.add(resolved.file);
      }
      return targets;
    },
    invalidate() {
      externalEntries = undefined;
      exportsResolved.clear();
    },
  };
}
