/**
 * How often one kind of access was allowed, explicitly denied and implicitly
 * denied: the unit both the summary (per principal and action) and the policy
 * (per principal, action and resource) count decisions in.
 */
import type { AuthzEvent } from '../schema';

export interface AccessTally {
  allow: number;
  explicitDeny: number;
  implicitDeny: number;
}

export const emptyTally = (): AccessTally => ({ allow: 0, explicitDeny: 0, implicitDeny: 0 });

/** A deny without denyReason counts as implicit: nothing is known to have denied it. */
export function countDecision(tally: AccessTally, event: AuthzEvent): void {
  if (event.decision === 'allow') tally.allow += 1;
  else if (event.denyReason === 'explicit') tally.explicitDeny += 1;
  else tally.implicitDeny += 1;
}

/** Adds `from` into the tally `key` of `into`, copying it when `into` has none yet. */
export function mergeTally<K>(into: Map<K, AccessTally>, key: K, from: AccessTally): void {
  const mine = into.get(key);
  if (mine === undefined) {
    into.set(key, { ...from });
    return;
  }
  mine.allow += from.allow;
  mine.explicitDeny += from.explicitDeny;
  mine.implicitDeny += from.implicitDeny;
}
