/**
 * drift: a declared IAM-style policy against what the traces show.
 * - unused grants: (action pattern, resource pattern) pairs of an Allow
 *   statement that no observed allowed decision used (over-privilege);
 * - denied but needed: decisions the workload asked for and was denied;
 * - used outside the declared policy: allowed decisions that the declared
 *   policy would not allow (no Allow matches, or a Deny does).
 * Works on the policy accumulator, so it inherits its associative merge.
 * Patterns follow IAM: `*` and `?` wildcards, actions case-insensitive.
 */
import { matchesAction, matchesResource } from '../patterns';
import type { PolicyAccumulator } from './policy';

export interface DeclaredStatement {
  sid: string;
  effect: 'Allow' | 'Deny';
  actions: string[];
  resources: string[];
}

/** Declared policies: one for every principal, or one per named principal. */
export interface DeclaredPolicies {
  everyone?: DeclaredStatement[];
  byPrincipal: Map<string, DeclaredStatement[]>;
}

export interface UnusedGrant {
  principal: string;
  sid: string;
  action: string;
  resource: string;
}

export interface ObservedDrift {
  principal: string;
  action: string;
  resource: string;
  count: number;
}

export interface DriftResult {
  principals: string[];
  unusedGrants: UnusedGrant[];
  deniedButNeeded: (ObservedDrift & { reason: 'explicit' | 'implicit'; declaredVerdict: Verdict })[];
  usedOutsidePolicy: (ObservedDrift & { declaredVerdict: Verdict })[];
  /** Principals seen in the traces for which no declared policy applies. */
  undeclaredPrincipals: string[];
}

export type Verdict = 'allow' | 'explicit-deny' | 'implicit-deny';

export type DeclaredParse = { ok: true; policies: DeclaredPolicies } | { ok: false; error: string };

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const SUPPORTED_KEYS = new Set(['Sid', 'Effect', 'Action', 'Resource']);

function stringList(value: unknown): string[] | undefined {
  if (typeof value === 'string' && value.length > 0) return [value];
  if (Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'string' && item.length > 0)) return value as string[];
  return undefined;
}

function parseDocument(document: unknown, where: string): DeclaredStatement[] | string {
  if (!isObject(document) || document.Statement === undefined) return `${where}: expected an IAM-style document {"Version":"2012-10-17","Statement":[...]}`;
  const statements = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
  const parsed: DeclaredStatement[] = [];
  for (const [index, statement] of statements.entries()) {
    const at = `${where}: Statement[${index}]`;
    if (!isObject(statement)) return `${at} is not an object`;
    const unsupported = Object.keys(statement).filter((key) => !SUPPORTED_KEYS.has(key));
    if (unsupported.length > 0) return `${at} uses ${unsupported.join(', ')}, which drift cannot evaluate offline (supported: Sid, Effect, Action, Resource)`;
    if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny') return `${at}: Effect must be "Allow" or "Deny"`;
    const actions = stringList(statement.Action);
    const resources = stringList(statement.Resource);
    if (actions === undefined) return `${at}: Action must be a non-empty string or array of strings`;
    if (resources === undefined) return `${at}: Resource must be a non-empty string or array of strings`;
    const sid = typeof statement.Sid === 'string' && statement.Sid.length > 0 ? statement.Sid : `Statement${index + 1}`;
    parsed.push({ sid, effect: statement.Effect, actions, resources });
  }
  return parsed;
}

/**
 * Reads a declared policy: a single IAM document (applies to every principal),
 * an object mapping principal -> document, or `planewise policy --format json`
 * output. Errors name the file and the place.
 */
export function parseDeclaredPolicies(text: string, fileName: string): DeclaredParse {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `${fileName}: not JSON: ${(error as Error).message}` };
  }
  if (!isObject(value)) return { ok: false, error: `${fileName}: expected a JSON object` };
  const byPrincipal = new Map<string, DeclaredStatement[]>();
  if ('Statement' in value) {
    const statements = parseDocument(value, fileName);
    return typeof statements === 'string' ? { ok: false, error: statements } : { ok: true, policies: { everyone: statements, byPrincipal } };
  }
  if (Array.isArray(value.principals)) {
    for (const [index, entry] of value.principals.entries()) {
      if (!isObject(entry) || typeof entry.principal !== 'string') return { ok: false, error: `${fileName}: principals[${index}] needs "principal" and "policy"` };
      const statements = parseDocument(entry.policy, `${fileName}: ${entry.principal}`);
      if (typeof statements === 'string') return { ok: false, error: statements };
      byPrincipal.set(entry.principal, statements);
    }
    return { ok: true, policies: { byPrincipal } };
  }
  for (const [principal, document] of Object.entries(value)) {
    const statements = parseDocument(document, `${fileName}: ${principal}`);
    if (typeof statements === 'string') return { ok: false, error: statements };
    byPrincipal.set(principal, statements);
  }
  if (byPrincipal.size === 0) return { ok: false, error: `${fileName}: no policy documents in the file` };
  return { ok: true, policies: { byPrincipal } };
}

const matchesStatement = (statement: DeclaredStatement, action: string, resource: string) =>
  statement.actions.some((pattern) => matchesAction(pattern, action)) && statement.resources.some((pattern) => matchesResource(pattern, resource));

/** IAM evaluation: an explicit Deny wins, then any Allow, else the implicit deny. */
export function evaluate(statements: DeclaredStatement[], action: string, resource: string): Verdict {
  let allowed = false;
  for (const statement of statements) {
    if (!matchesStatement(statement, action, resource)) continue;
    if (statement.effect === 'Deny') return 'explicit-deny';
    allowed = true;
  }
  return allowed ? 'allow' : 'implicit-deny';
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function detectDrift(declared: DeclaredPolicies, observed: PolicyAccumulator, options: { principals?: string[] } = {}): DriftResult {
  const wanted = options.principals !== undefined && options.principals.length > 0 ? new Set(options.principals) : undefined;
  const names = new Set<string>([...observed.observed.keys(), ...declared.byPrincipal.keys()]);
  const principals = [...names].filter((name) => wanted === undefined || wanted.has(name)).sort(byText);
  const result: DriftResult = { principals, unusedGrants: [], deniedButNeeded: [], usedOutsidePolicy: [], undeclaredPrincipals: [] };
  for (const principal of principals) {
    const statements = declared.byPrincipal.get(principal) ?? declared.everyone;
    const actions = observed.observed.get(principal) ?? new Map();
    if (statements === undefined) {
      result.undeclaredPrincipals.push(principal);
      continue;
    }
    const used = new Set<string>();
    for (const [action, resources] of actions) {
      for (const [resource, tally] of resources) {
        const verdict = evaluate(statements, action, resource);
        if (tally.allow > 0) {
          if (verdict !== 'allow') result.usedOutsidePolicy.push({ principal, action, resource, count: tally.allow, declaredVerdict: verdict });
          for (const statement of statements) {
            if (statement.effect !== 'Allow') continue;
            for (const actionPattern of statement.actions) {
              if (!matchesAction(actionPattern, action)) continue;
              for (const resourcePattern of statement.resources) {
                if (matchesResource(resourcePattern, resource)) used.add(`${statement.sid}\u0000${actionPattern}\u0000${resourcePattern}`);
              }
            }
          }
        }
        if (tally.explicitDeny > 0) result.deniedButNeeded.push({ principal, action, resource, count: tally.explicitDeny, reason: 'explicit', declaredVerdict: verdict });
        if (tally.implicitDeny > 0) result.deniedButNeeded.push({ principal, action, resource, count: tally.implicitDeny, reason: 'implicit', declaredVerdict: verdict });
      }
    }
    for (const statement of statements) {
      if (statement.effect !== 'Allow') continue;
      for (const action of statement.actions) {
        for (const resource of statement.resources) {
          if (!used.has(`${statement.sid}\u0000${action}\u0000${resource}`)) result.unusedGrants.push({ principal, sid: statement.sid, action, resource });
        }
      }
    }
  }
  return result;
}

export function driftCount(drift: DriftResult): number {
  return drift.unusedGrants.length + drift.deniedButNeeded.length + drift.usedOutsidePolicy.length;
}
