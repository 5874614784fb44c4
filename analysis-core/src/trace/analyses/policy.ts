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

/** The `schema` of a policy set written as JSON (`planewise policy --format json`, the viewer's Copy All and Save). */
export const POLICY_SCHEMA = 'planewise.policy/1';

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
 * Plain data for postMessage. Every name appears once, in `names`; each access
 * is three name indexes (principal, action, resource) in `accesses` and three
 * counts (allow, explicit deny, implicit deny) in `tallies`. A shard holds
 * hundreds of thousands of accesses over a few thousand names, or millions of
 * principals with one access each: two flat typed arrays clone fast and stay
 * small in both cases (an object or array per access would not).
 */
export interface PolicyPart {
  names: string[];
  accesses: Uint32Array;
  tallies: Float64Array;
  /** Principals past the limit were dropped from this part's source. */
  overLimit?: true;
}

/** A policy's state: parts whose tallies add up (a thread's counts by id, the events it parsed, other threads' states). */
export type PolicyState = PolicyPart[];

/** Parts kept as they came before they are folded into the maps: enough for every thread's state to wait. */
const MAX_WAITING_PARTS = 16;

/**
 * How many distinct principals a policy is built for by default. Each costs
 * about 1 KB while reading and a policy document while writing; past this the
 * heap of a default Node process (4 GB) would run out, and an abort loses
 * everything, so the limit is an error that names the option raising it.
 */
export const DEFAULT_MAX_PRINCIPALS = 1_000_000;

/** Which principals an accumulator keeps: only `principals` (all when undefined or empty), at most `maxPrincipals`. */
export interface PrincipalScope {
  principals?: string[];
  maxPrincipals?: number;
}

/** The input named more principals than the accumulator's limit: a policy would be incomplete, so there is none. */
export class PrincipalLimitError extends Error {
  constructor(readonly limit: number) {
    super(`the traces name more than ${limit.toLocaleString('en-US')} principals, the limit that keeps memory bounded: raise it with --max-principals N (about 1.5 GB per million), or choose principals with --principal NAME`);
  }
}

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
  private readonly wanted: Set<string> | undefined;
  private readonly maxPrincipals: number;
  /** Set once a principal past the limit was dropped: reading goes on (the summary still counts), the policy is an error. */
  private overLimit = false;

  constructor(scope: PrincipalScope = {}) {
    this.wanted = scope.principals !== undefined && scope.principals.length > 0 ? new Set(scope.principals) : undefined;
    this.maxPrincipals = scope.maxPrincipals ?? DEFAULT_MAX_PRINCIPALS;
  }

  static from(state: PolicyState, scope?: PrincipalScope): PolicyAccumulator {
    return new PolicyAccumulator(scope).mergeState(state);
  }

  /** principal -> action -> resource -> tally. Throws PrincipalLimitError when principals were dropped. */
  get observed(): Map<string, Map<string, Map<string, AccessTally>>> {
    this.foldWaiting();
    if (this.overLimit) throw new PrincipalLimitError(this.maxPrincipals);
    return this.tallies;
  }

  /** merge(PolicyAccumulator.from(state)). */
  mergeState(state: PolicyState): this {
    for (const part of state) {
      this.waiting.push(part);
      if (part.overLimit === true) this.overLimit = true;
    }
    if (this.waiting.length > MAX_WAITING_PARTS) this.foldWaiting();
    return this;
  }

  private foldWaiting(): void {
    const parts = this.waiting;
    this.waiting = [];
    for (const { names, accesses, tallies } of parts) {
      for (let access = 0; access < accesses.length / 3; access++) {
        const mine = this.resourcesOf(names[accesses[3 * access]!]!, names[accesses[3 * access + 1]!]!);
        if (mine !== undefined) addCounts(mine, names[accesses[3 * access + 2]!]!, tallies[3 * access]!, tallies[3 * access + 1]!, tallies[3 * access + 2]!);
      }
    }
  }

  /** The tallies of one principal's action; undefined for a principal out of scope or past the limit. */
  private resourcesOf(principal: string, action: string): Map<string, AccessTally> | undefined {
    let actions = this.tallies.get(principal);
    if (actions === undefined) {
      if (this.wanted !== undefined && !this.wanted.has(principal)) return undefined;
      if (this.tallies.size >= this.maxPrincipals) {
        this.overLimit = true;
        return undefined;
      }
      this.tallies.set(principal, (actions = new Map()));
    }
    let resources = actions.get(action);
    if (resources === undefined) actions.set(action, (resources = new Map()));
    return resources;
  }

  add(event: CoreTraceEvent): void {
    if (event.kind !== 'authz') return;
    const resources = this.resourcesOf(event.principal, event.action);
    if (resources === undefined) return;
    let tally = resources.get(event.resource);
    if (tally === undefined) resources.set(event.resource, (tally = emptyTally()));
    countDecision(tally, event);
  }

  merge(other: PolicyAccumulator): this {
    for (const [principal, actions] of other.tallies) {
      for (const [action, resources] of actions) {
        const mine = this.resourcesOf(principal, action);
        if (mine !== undefined) for (const [resource, tally] of resources) mergeTally(mine, resource, tally);
      }
    }
    this.overLimit ||= other.overLimit;
    return this.mergeState(other.waiting);
  }

  /** The waiting parts as they are, and the maps as one more part. */
  state(): PolicyState {
    const parts = this.tallies.size === 0 ? [...this.waiting] : [...this.waiting, this.tallyPart()];
    if (this.overLimit) parts.push({ names: [], accesses: new Uint32Array(0), tallies: new Float64Array(0), overLimit: true });
    return parts;
  }

  /**
   * Every tally once, summed, in (principal, action, resource) name order,
   * over `names` sorted and holding only the names a tally uses: what a
   * state file writes. Built from the compact parts, without the maps (a
   * merge of two states never needs them). Throws PrincipalLimitError.
   */
  sortedPart(): PolicyPart {
    const parts = this.state();
    if (parts.some((part) => part.overLimit === true)) throw new PrincipalLimitError(this.maxPrincipals);
    // Per part, which of its names a kept row uses (1), as its principal (2).
    const roles = parts.map(({ names, accesses }) => {
      const kept = this.wanted === undefined ? undefined : Uint8Array.from(names, (name) => (this.wanted!.has(name) ? 1 : 0));
      const role = new Uint8Array(names.length);
      for (let at = 0; at < accesses.length; at += 3) {
        if (kept !== undefined && kept[accesses[at]!] === 0) continue;
        role[accesses[at]!] |= 2;
        role[accesses[at + 1]!] |= 1;
        role[accesses[at + 2]!] |= 1;
      }
      return role;
    });
    const used = new Set<string>();
    const principals = new Set<string>();
    parts.forEach(({ names }, part) =>
      roles[part]!.forEach((role, index) => {
        if (role !== 0) used.add(names[index]!);
        if (role >= 2) principals.add(names[index]!);
      }),
    );
    if (principals.size > this.maxPrincipals) throw new PrincipalLimitError(this.maxPrincipals);
    const names = [...used].sort(byText);
    const indexOf = new Map(names.map((name, index) => [name, index]));
    // Every kept row in the sorted names' indexes, one part after another.
    let count = 0;
    for (const { accesses } of parts) count += accesses.length / 3;
    const keys = new Uint32Array(3 * count);
    const counts = new Float64Array(3 * count);
    let rows = 0;
    parts.forEach(({ names: partNames, accesses, tallies }, part) => {
      const global = Uint32Array.from(partNames, (name) => indexOf.get(name) ?? 0);
      const role = roles[part]!;
      for (let at = 0; at < accesses.length; at += 3) {
        if (role[accesses[at]!]! < 2) continue;
        const to = 3 * rows;
        keys[to] = global[accesses[at]!]!;
        keys[to + 1] = global[accesses[at + 1]!]!;
        keys[to + 2] = global[accesses[at + 2]!]!;
        counts[to] = tallies[at]!;
        counts[to + 1] = tallies[at + 1]!;
        counts[to + 2] = tallies[at + 2]!;
        rows += 1;
      }
    });
    // Stable counting sorts by resource, then action, then principal: name order in three linear passes.
    let order: Uint32Array = Uint32Array.from({ length: rows }, (_, row) => row);
    for (const field of [2, 1, 0]) order = countingSort(order, keys, field, names.length);
    const accesses = new Uint32Array(3 * rows);
    const tallies = new Float64Array(3 * rows);
    let written = -1;
    for (const row of order) {
      const at = 3 * row;
      const sameAsLast = written >= 0 && keys[at] === accesses[3 * written] && keys[at + 1] === accesses[3 * written + 1] && keys[at + 2] === accesses[3 * written + 2];
      if (!sameAsLast) {
        written += 1;
        accesses.set(keys.subarray(at, at + 3), 3 * written);
      }
      for (let count = 0; count < 3; count++) tallies[3 * written + count]! += counts[at + count]!;
    }
    return { names, accesses: accesses.slice(0, 3 * (written + 1)), tallies: tallies.slice(0, 3 * (written + 1)) };
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
    let count = 0;
    for (const actions of this.tallies.values()) for (const resources of actions.values()) count += resources.size;
    const accesses = new Uint32Array(3 * count);
    const tallies = new Float64Array(3 * count);
    let access = 0;
    for (const [principal, actions] of this.tallies) {
      for (const [action, resources] of actions) {
        for (const [resource, tally] of resources) {
          accesses.set([nameIndex(principal), nameIndex(action), nameIndex(resource)], 3 * access);
          tallies.set([tally.allow, tally.explicitDeny, tally.implicitDeny], 3 * access);
          access += 1;
        }
      }
    }
    return { names, accesses, tallies };
  }

  result(options: PolicyOptions = {}): PolicySet {
    return generatePolicies(this, options);
  }
}

/** `order` stably sorted by the `field`th of each row's three keys, which are below `keyCount`. */
function countingSort(order: Uint32Array, keys: Uint32Array, field: number, keyCount: number): Uint32Array {
  const starts = new Uint32Array(keyCount + 1);
  for (const row of order) starts[keys[3 * row + field]! + 1]! += 1;
  for (let key = 1; key <= keyCount; key++) starts[key]! += starts[key - 1]!;
  const sorted = new Uint32Array(order.length);
  for (const row of order) sorted[starts[keys[3 * row + field]!]!++] = row;
  return sorted;
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

/**
 * Each principal's policy in name order, built one at a time as it is read,
 * so output can be written while the next is made. The limit is checked
 * here, before the first: a PrincipalLimitError never cuts an output short.
 */
export function principalPolicies(accumulator: PolicyAccumulator, options: PolicyOptions = {}): IterableIterator<PrincipalPolicy> {
  const wanted = options.principals !== undefined && options.principals.length > 0 ? new Set(options.principals) : undefined;
  const observed = accumulator.observed;
  const names = [...observed.keys()].filter((principal) => wanted === undefined || wanted.has(principal)).sort(byText);
  return (function* () {
    for (const principal of names) yield principalPolicy(principal, observed.get(principal)!, options.wildcardThreshold);
  })();
}

export function generatePolicies(accumulator: PolicyAccumulator, options: PolicyOptions = {}): PolicySet {
  return { generalization: { wildcardThreshold: options.wildcardThreshold ?? null }, principals: [...principalPolicies(accumulator, options)] };
}
