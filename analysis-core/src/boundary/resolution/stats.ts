/**
 * How much of a check's import graph resolved. A check that silently loses
 * its imports finds nothing and looks clean; this says so instead.
 */
import type { ResolutionCount, ResolutionSummary, UnresolvedImport } from '../types';
import type { ImportKind } from './resolver';

/** Below either bar, a few unresolved imports (a generated file not yet built) are not worth a warning. */
const WARN_SHARE = 0.05;
const WARN_COUNT = 10;
const KEPT_EXAMPLES = 20;
const SHOWN_EXAMPLES = 3;

type Counted = Extract<ImportKind, 'relative' | 'aliased' | 'workspace'>;
const COUNTED: readonly Counted[] = ['relative', 'aliased', 'workspace'];

export class ResolutionTally {
  private readonly counts: Record<Counted, ResolutionCount> = { relative: { resolved: 0, total: 0 }, aliased: { resolved: 0, total: 0 }, workspace: { resolved: 0, total: 0 } };
  private readonly examples: UnresolvedImport[] = [];

  /** Adds the counts of a check of other files (e.g. one chunk of a larger check). */
  merge(summary: ResolutionSummary): void {
    for (const kind of COUNTED) {
      this.counts[kind].resolved += summary[kind].resolved;
      this.counts[kind].total += summary[kind].total;
    }
    this.examples.push(...summary.unresolvedExamples.slice(0, KEPT_EXAMPLES - this.examples.length));
  }

  add(kind: ImportKind, resolved: boolean, where: UnresolvedImport): void {
    if (!(COUNTED as readonly string[]).includes(kind)) return;
    const count = this.counts[kind as Counted];
    count.total += 1;
    if (resolved) count.resolved += 1;
    else if (this.examples.length < KEPT_EXAMPLES) this.examples.push(where);
  }

  summary(): ResolutionSummary {
    const noticeable = COUNTED.filter((kind) => {
      const { resolved, total } = this.counts[kind];
      return total - resolved >= WARN_COUNT && (total - resolved) / total >= WARN_SHARE;
    });
    let warning: string | undefined;
    if (noticeable.length > 0) {
      const parts = noticeable.map((kind) => {
        const { resolved, total } = this.counts[kind];
        return `${total - resolved} of ${total} ${kind} imports`;
      });
      const examples = this.examples.slice(0, SHOWN_EXAMPLES).map((example) => `${example.file}:${example.line} '${example.specifier}'`);
      warning = `${parts.join(', ')} did not resolve, so findings through them are missed (e.g. ${examples.join(', ')}). Check the tsconfig.json paths and the workspace packages.`;
    }
    return { ...structuredClone(this.counts), unresolvedExamples: [...this.examples], warning };
  }
}

/** One summary for a check made of several (the language server checks a workspace in chunks). */
export function mergeResolutionSummaries(summaries: readonly ResolutionSummary[]): ResolutionSummary {
  const tally = new ResolutionTally();
  for (const summary of summaries) tally.merge(summary);
  return tally.summary();
}
