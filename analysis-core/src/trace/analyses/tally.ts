/**
 * How often one kind of access was allowed, explicitly denied and implicitly
 * denied: the unit both the summary (per principal and action) and the policy
 * (per principal, action and resource) count decisions in.
 */
import type { CoreAuthzEvent } from '../schema';

export interface AccessTally {
  allow: number;
  explicitDeny: number;
  implicitDeny: number;
}

export const emptyTally = (): AccessTally => ({ allow: 0, explicitDeny: 0, implicitDeny: 0 });

/** A deny without denyReason counts as implicit: nothing is known to have denied it. */
export function countDecision(tally: AccessTally, event: CoreAuthzEvent): void {
  if (event.decision === 'allow') tally.allow += 1;
  else if (event.denyReason === 'explicit') tally.explicitDeny += 1;
  else tally.implicitDeny += 1;
}

/** Adds counts into the tally `key` of `into`, creating it when `into` has none yet. */
export function addCounts<K>(into: Map<K, AccessTally>, key: K, allow: number, explicitDeny: number, implicitDeny: number): void {
  const mine = into.get(key);
  if (mine === undefined) {
    into.set(key, { allow, explicitDeny, implicitDeny });
    return;
  }
  mine.allow += allow;
  mine.explicitDeny += explicitDeny;
  mine.implicitDeny += implicitDeny;
}

/** Adds `from` into the tally `key` of `into`. */
export function mergeTally<K>(into: Map<K, AccessTally>, key: K, from: AccessTally): void {
  addCounts(into, key, from.allow, from.explicitDeny, from.implicitDeny);
}
