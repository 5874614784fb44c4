/**
 * policy: least-privilege IAM-style policies from observed decisions.
 *
 * The accumulator records, per principal, every (action, resource) pair seen
 * with how often it was allowed, explicitly denied and implicitly denied;
 * merging adds the tallies, so runs and shards combine. `generatePolicies`
 * turns that into one document per principal:
 * - every allowed pair is granted (soundness), and only those, except where
 *   the generalization rule applies (completeness);
 * - generalization (off by default, `wildcardThreshold: N`): for one principal
 *   and action, when MORE than N distinct allowed resources share the parent
 *   prefix P (everything up to the last '/'), they become `P*`, unless a denied
 *   resource for that principal and action also starts with P;
 * - resources covered by a wildcard in the same set are folded away;
 * - actions with the same resource set share a statement;
 * - a pair that was only ever denied is never granted; denies are listed
 *   apart, explicit and implicit.
 */
import type { CoreTraceEvent } from '../schema';
import { escapeLiteral } from '../patterns';
import { type AccessTally, addCounts, countDecision, emptyTally, mergeTally } from './tally';

export type { AccessTally } from './tally';

export const POLICY_VERSION = '2012-10-17';

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string[];
}

export interface PolicyDocument {
  Version: typeof POLICY_VERSION;
  Statement: PolicyStatement[];
}

export interface DeniedAccess {
  action: string;
  resource: string;
  count: number;
  /** The same pair was also allowed at other times (the rules changed between runs?); it is granted. */
  alsoAllowed: boolean;
}

export interface PrincipalPolicy {
  principal: string;
  policy: PolicyDocument;
  denied: { explicit: DeniedAccess[]; implicit: DeniedAccess[] };
  observed: { allow: number; deny: number; actions: number; resources: number };
}

export interface PolicyOptions {
  /** Generalize more than N sibling resources under one prefix to `prefix*`. Off when undefined. */
  wildcardThreshold?: number;
  /** Only these principals (all when undefined or empty). */
  principals?: string[];
}

export interface PolicySet {
  generalization: { wildcardThreshold: number | null };
  principals: PrincipalPolicy[];
}

/**
 * Plain data for postMessage. Every name appears once, in `names`; per
 * principal and action, the resources are indexes into it and their tallies
 * one flat array (allow, explicit deny, implicit deny per resource). A shard
 * holds hundreds of thousands of (principal, action, resource) triples over a
 * few thousand names: this clones far faster and smaller than an object, or
 * even a string, per triple (a clone copies each string it meets).
 */
export interface PolicyPart {
  names: string[];
  entries: [principal: number, [action: number, resources: Uint32Array, tallies: Float64Array][]][];
}

/** A policy's state: parts whose tallies add up (a thread's counts by id, the events it parsed, other threads' states). */
export type PolicyState = PolicyPart[];

/** Parts kept as they came before they are folded into the maps: enough for every thread's state to wait. */
const MAX_WAITING_PARTS = 16;

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Everything up to and including the last '/', or undefined for a name without one. */
export function parentPrefix(resource: string): string | undefined {
  const slash = resource.lastIndexOf('/');
  return slash > 0 ? resource.slice(0, slash + 1) : undefined;
}

export class PolicyAccumulator {
  private readonly tallies = new Map<string, Map<string, Map<string, AccessTally>>>();
  /**
   * Merged parts not yet folded into `tallies`. A part stays compact until
   * something reads the tallies, so a thread that only passes its counts on
   * never builds the maps, and the thread that reads them builds them once.
   */
  private waiting: PolicyPart[] = [];

  static from(state: PolicyState): PolicyAccumulator {
    return new PolicyAccumulator().mergeState(state);
  }

  /** principal -> action -> resource -> tally */
  get observed(): Map<string, Map<string, Map<string, AccessTally>>> {
    this.foldWaiting();
    return this.tallies;
  }

  /** merge(PolicyAccumulator.from(state)). */
  mergeState(state: PolicyState): this {
    for (const part of state) this.waiting.push(part);
    if (this.waiting.length > MAX_WAITING_PARTS) this.foldWaiting();
    return this;
  }

  private foldWaiting(): void {
    const parts = this.waiting;
    this.waiting = [];
    for (const { names, entries } of parts) {
      for (const [principal, actions] of entries) {
        for (const [action, resources, tallies] of actions) {
          const mine = this.resourcesOf(names[principal]!, names[action]!);
          resources.forEach((resource, index) => addCounts(mine, names[resource]!, tallies[3 * index]!, tallies[3 * index + 1]!, tallies[3 * index + 2]!));
        }
      }
    }
  }

  private resourcesOf(principal: string, action: string): Map<string, AccessTally> {
    let actions = this.tallies.get(principal);
    if (actions === undefined) this.tallies.set(principal, (actions = new Map()));
    let resources = actions.get(action);
    if (resources === undefined) actions.set(action, (resources = new Map()));
    return resources;
  }

  add(event: CoreTraceEvent): void {
    if (event.kind !== 'authz') return;
    const resources = this.resourcesOf(event.principal, event.action);
    let tally = resources.get(event.resource);
    if (tally === undefined) resources.set(event.resource, (tally = emptyTally()));
    countDecision(tally, event);
  }

  merge(other: PolicyAccumulator): this {
    for (const [principal, actions] of other.tallies) {
      for (const [action, resources] of actions) {
        const mine = this.resourcesOf(principal, action);
        for (const [resource, tally] of resources) mergeTally(mine, resource, tally);
      }
    }
    return this.mergeState(other.waiting);
  }

  /** The waiting parts as they are, and the maps as one more part. */
  state(): PolicyState {
    return this.tallies.size === 0 ? [...this.waiting] : [...this.waiting, this.tallyPart()];
  }

  private tallyPart(): PolicyPart {
    const indexes = new Map<string, number>();
    const names: string[] = [];
    const nameIndex = (name: string): number => {
      let index = indexes.get(name);
      if (index === undefined) {
        indexes.set(name, (index = names.length));
        names.push(name);
      }
      return index;
    };
    const entries: PolicyPart['entries'] = [...this.tallies].map(([principal, actions]) => [
      nameIndex(principal),
      [...actions].map(([action, resources]) => {
        const resourceIndexes = new Uint32Array(resources.size);
        const tallies = new Float64Array(resources.size * 3);
        let index = 0;
        for (const [resource, tally] of resources) {
          resourceIndexes[index] = nameIndex(resource);
          tallies[3 * index] = tally.allow;
          tallies[3 * index + 1] = tally.explicitDeny;
          tallies[3 * index + 2] = tally.implicitDeny;
          index += 1;
        }
        return [nameIndex(action), resourceIndexes, tallies];
      }),
    ]);
    return { names, entries };
  }

  result(options: PolicyOptions = {}): PolicySet {
    return generatePolicies(this, options);
  }
}

/** The granted resource patterns for one action: concrete, generalized, folded. */
function grantedResources(resources: Map<string, AccessTally>, threshold: number | undefined): string[] {
  const allowed: string[] = [];
  const denied: string[] = [];
  for (const [resource, tally] of resources) {
    if (tally.allow > 0) allowed.push(resource);
    else denied.push(resource);
  }
  let wildcards: string[] = [];
  let concrete = allowed;
  if (threshold !== undefined) {
    const siblings = new Map<string, number>();
    for (const resource of allowed) {
      const parent = parentPrefix(resource);
      if (parent !== undefined) siblings.set(parent, (siblings.get(parent) ?? 0) + 1);
    }
    for (const [parent, count] of siblings) {
      if (count > threshold && !denied.some((resource) => resource.startsWith(parent))) wildcards.push(parent);
    }
    // A wildcard under another wildcard is redundant: keep the shortest prefixes.
    wildcards.sort((a, b) => a.length - b.length || byText(a, b));
    const kept: string[] = [];
    for (const prefix of wildcards) if (!kept.some((shorter) => prefix.startsWith(shorter))) kept.push(prefix);
    wildcards = kept;
    concrete = allowed.filter((resource) => !kept.some((prefix) => resource.startsWith(prefix)));
  }
  return [...concrete.map(escapeLiteral), ...wildcards.map((prefix) => `${escapeLiteral(prefix)}*`)].sort(byText);
}

function principalPolicy(principal: string, actions: Map<string, Map<string, AccessTally>>, threshold: number | undefined): PrincipalPolicy {
  const groups = new Map<string, { actions: string[]; resources: string[] }>();
  const explicit: DeniedAccess[] = [];
  const implicit: DeniedAccess[] = [];
  let allow = 0;
  let deny = 0;
  const resourceNames = new Set<string>();
  for (const [action, resources] of actions) {
    for (const [resource, tally] of resources) {
      resourceNames.add(resource);
      allow += tally.allow;
      deny += tally.explicitDeny + tally.implicitDeny;
      if (tally.explicitDeny > 0) explicit.push({ action, resource, count: tally.explicitDeny, alsoAllowed: tally.allow > 0 });
      if (tally.implicitDeny > 0) implicit.push({ action, resource, count: tally.implicitDeny, alsoAllowed: tally.allow > 0 });
    }
    const granted = grantedResources(resources, threshold);
    if (granted.length === 0) continue;
    const key = granted.join('\n');
    const group = groups.get(key);
    if (group === undefined) groups.set(key, { actions: [action], resources: granted });
    else group.actions.push(action);
  }
  const statements = [...groups.values()]
    .map((group) => ({ actions: group.actions.sort(byText), resources: group.resources }))
    .sort((a, b) => byText(a.actions[0]!, b.actions[0]!))
    .map((group, index): PolicyStatement => ({ Sid: `Allow${index + 1}`, Effect: 'Allow', Action: group.actions, Resource: group.resources }));
  const byPair = (a: DeniedAccess, b: DeniedAccess) => byText(a.action, b.action) || byText(a.resource, b.resource);
  return {
    principal,
    policy: { Version: POLICY_VERSION, Statement: statements },
    denied: { explicit: explicit.sort(byPair), implicit: implicit.sort(byPair) },
    observed: { allow, deny, actions: actions.size, resources: resourceNames.size },
  };
}

export function generatePolicies(accumulator: PolicyAccumulator, options: PolicyOptions = {}): PolicySet {
  const threshold = options.wildcardThreshold;
  const wanted = options.principals !== undefined && options.principals.length > 0 ? new Set(options.principals) : undefined;
  const principals = [...accumulator.observed.keys()]
    .filter((principal) => wanted === undefined || wanted.has(principal))
    .sort(byText)
    .map((principal) => principalPolicy(principal, accumulator.observed.get(principal)!, threshold));
  return { generalization: { wildcardThreshold: threshold ?? null }, principals };
}
