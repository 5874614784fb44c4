/**
 * Fitting a principal's policy into IAM's size limits without granting more.
 *
 * IAM counts a policy's characters without whitespace: a managed policy holds
 * at most 6,144, and all the inline policies of one role together 10,240 (of
 * a user 2,048, of a group 5,120). A document is measured here as its compact
 * JSON text, which has no whitespace between tokens and counts whitespace and
 * escapes inside strings, so the count is never below IAM's.
 *
 * Over the limit, the statements are first regrouped (every (action, resource)
 * pair stays in exactly one statement, so the grant is unchanged): by equal
 * resource sets, as generated, or by equal action sets, whichever is shorter.
 * Still over, a managed policy is split: a statement too large for any
 * document is cut into statements over fewer resources (and, if need be,
 * fewer actions), and the statements are packed first-fit-decreasing into
 * documents. Splitting cannot help the inline limit (it is a total), so a
 * principal over it is reported as not fitting. No pattern is ever widened.
 */
import { POLICY_VERSION, type PolicyDocument, type PolicyStatement } from '../analyses/policy';
import type { PrincipalKind } from './aws';

export type IamTarget = 'managed' | 'inline';

export const MANAGED_POLICY_LIMIT = 6_144;
export const INLINE_POLICY_LIMITS: Readonly<Record<PrincipalKind, number>> = { role: 10_240, user: 2_048, group: 5_120, other: 10_240 };
/** Managed policies attached to one role, user or group unless the quota is raised (to at most 20). */
export const ATTACHED_POLICIES_QUOTA = 10;

export interface IamLimit {
  target: IamTarget;
  characters: number;
  /** What the limit counts, in words. */
  appliesTo: string;
}

export interface FittedPolicy {
  limit: IamLimit;
  /** What fitting took: nothing, regrouping the statements, or also splitting them into several documents. */
  fit: 'as-generated' | 'merged' | 'split';
  /** False when the documents are over the limit even so (inline total, or one action and one resource longer than a document). */
  fits: boolean;
  documents: PolicyDocument[];
  /** Each document's size as IAM counts it (at most; see the module comment). */
  characters: number[];
}

export function iamLimit(target: IamTarget, kind: PrincipalKind): IamLimit {
  if (target === 'managed') return { target, characters: MANAGED_POLICY_LIMIT, appliesTo: 'each managed policy' };
  const entity = kind === 'other' ? 'role' : kind;
  return { target, characters: INLINE_POLICY_LIMITS[kind], appliesTo: `all inline policies of one ${entity} together` };
}

/** The size IAM counts: the compact JSON text. */
export function policyCharacters(document: PolicyDocument): number {
  return JSON.stringify(document).length;
}

const EMPTY_DOCUMENT_CHARACTERS = policyCharacters({ Version: POLICY_VERSION, Statement: [] });
const jsonLength = (text: string) => JSON.stringify(text).length;
const listLength = (items: readonly string[]) => items.reduce((sum, item) => sum + jsonLength(item) + 1, 0) + 1;
const sidFor = (index: number) => `Allow${index + 1}`;
/** `{"Sid":"","Effect":"Allow","Action":[],"Resource":[]}` without the two lists (listLength counts their brackets). */
const STATEMENT_SKELETON = JSON.stringify({ Sid: '', Effect: 'Allow', Action: [], Resource: [] }).length - 4;

function statementCharacters(actions: readonly string[], resources: readonly string[], sidLength: number): number {
  return STATEMENT_SKELETON + sidLength + listLength(actions) + listLength(resources);
}

interface Grant {
  actions: string[];
  resources: string[];
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function documentOf(grants: readonly Grant[]): PolicyDocument {
  const ordered = [...grants].sort((a, b) => byText(a.actions[0]!, b.actions[0]!) || byText(a.resources[0]!, b.resources[0]!));
  return { Version: POLICY_VERSION, Statement: ordered.map((grant, index): PolicyStatement => ({ Sid: sidFor(index), Effect: 'Allow', Action: grant.actions, Resource: grant.resources })) };
}

/** The same pairs grouped by equal action sets: each resource with the actions granted on it, resources with the same actions together. */
function groupedByActions(grants: readonly Grant[]): Grant[] {
  const actionsOf = new Map<string, Set<string>>();
  for (const grant of grants) {
    for (const resource of grant.resources) {
      let actions = actionsOf.get(resource);
      if (actions === undefined) actionsOf.set(resource, (actions = new Set()));
      for (const action of grant.actions) actions.add(action);
    }
  }
  const groups = new Map<string, Grant>();
  for (const [resource, actions] of actionsOf) {
    const sorted = [...actions].sort(byText);
    const key = sorted.join('\n');
    const group = groups.get(key);
    if (group === undefined) groups.set(key, { actions: sorted, resources: [resource] });
    else group.resources.push(resource);
  }
  for (const group of groups.values()) group.resources.sort(byText);
  return [...groups.values()];
}

function grantsCharacters(grants: readonly Grant[], sidLength: number): number {
  return grants.reduce((sum, grant) => sum + statementCharacters(grant.actions, grant.resources, sidLength) + 1, EMPTY_DOCUMENT_CHARACTERS - 1);
}

/** Consecutive runs of `items`, each as long as `fits` allows; a single item always makes a run. */
function chunks(items: readonly string[], fits: (run: readonly string[]) => boolean): string[][] {
  const runs: string[][] = [];
  let run: string[] = [];
  for (const item of items) {
    if (run.length > 0 && !fits([...run, item])) {
      runs.push(run);
      run = [];
    }
    run.push(item);
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

/**
 * A grant cut into grants that each fit in a document of their own: fewer
 * resources per statement, and fewer actions when the actions alone and the
 * longest resource are too long. A grant of one action and one resource is
 * kept whole, even over the limit (`fits` of the result says so).
 */
function cut(grant: Grant, capacity: number, sidLength: number): Grant[] {
  const fits = (actions: readonly string[], resources: readonly string[]) => statementCharacters(actions, resources, sidLength) <= capacity;
  if (fits(grant.actions, grant.resources)) return [grant];
  const longest = grant.resources.reduce((best, resource) => (jsonLength(resource) > jsonLength(best) ? resource : best));
  const actionRuns = chunks(grant.actions, (run) => fits(run, [longest]));
  return actionRuns.flatMap((actions) => chunks(grant.resources, (run) => fits(actions, run)).map((resources) => ({ actions, resources })));
}

/** First-fit decreasing: the largest statements first, each into the first document with room. */
function pack(grants: readonly Grant[], limit: number, sidLength: number): Grant[][] {
  const sized = grants.map((grant) => ({ grant, size: statementCharacters(grant.actions, grant.resources, sidLength) + 1 }));
  sized.sort((a, b) => b.size - a.size || byText(a.grant.actions[0]!, b.grant.actions[0]!) || byText(a.grant.resources[0]!, b.grant.resources[0]!));
  const bins: { grants: Grant[]; size: number }[] = [];
  for (const { grant, size } of sized) {
    const bin = bins.find((candidate) => candidate.size + size <= limit);
    if (bin !== undefined) {
      bin.grants.push(grant);
      bin.size += size;
    } else {
      bins.push({ grants: [grant], size: EMPTY_DOCUMENT_CHARACTERS - 1 + size });
    }
  }
  return bins.map((bin) => bin.grants);
}

function fitted(limit: IamLimit, fit: FittedPolicy['fit'], documents: PolicyDocument[]): FittedPolicy {
  const characters = documents.map(policyCharacters);
  const total = characters.reduce((sum, size) => sum + size, 0);
  const fits = limit.target === 'inline' ? total <= limit.characters : characters.every((size) => size <= limit.characters);
  return { limit, fit, fits, documents, characters };
}

/** The principal's document as deployable IAM policies within `limit`, granting exactly what `document` grants. */
export function fitPolicy(document: PolicyDocument, limit: IamLimit): FittedPolicy {
  if (policyCharacters(document) <= limit.characters) return fitted(limit, 'as-generated', [document]);
  const asGenerated: Grant[] = document.Statement.map((statement) => ({ actions: statement.Action, resources: statement.Resource }));
  const byActions = groupedByActions(asGenerated);
  const sidLength = sidFor(Math.max(asGenerated.length, byActions.length)).length;
  const merged = grantsCharacters(byActions, sidLength) < grantsCharacters(asGenerated, sidLength) ? byActions : asGenerated;
  const mergedDocument = documentOf(merged);
  if (limit.target === 'inline' || policyCharacters(mergedDocument) <= limit.characters) return fitted(limit, 'merged', [mergedDocument]);
  // Sids are numbered within each document, which holds fewer statements than the limit over a statement's skeleton.
  const splitSidLength = sidFor(Math.ceil(limit.characters / STATEMENT_SKELETON)).length;
  const pieces = merged.flatMap((grant) => cut(grant, limit.characters - EMPTY_DOCUMENT_CHARACTERS, splitSidLength));
  return fitted(limit, 'split', pack(pieces, limit.characters, splitSidLength).map(documentOf));
}
