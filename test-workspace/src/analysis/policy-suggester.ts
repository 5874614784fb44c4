import type { AuthzRecord, TraceRecord } from '../contracts/trace-record';
import { groupBy } from './stats';

export interface SuggestedStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string[];
}

export interface SuggestedPolicy {
  principal: string;
  Version: '2012-10-17';
  Statement: SuggestedStatement[];
  /** Calls that were denied; granting them is a decision for a person, so they are listed, not added. */
  deniedCalls: Array<{ action: string; resource: string; reason: 'explicit' | 'implicit' }>;
}

/** Object keys under one bucket collapse to `bucket/<name>/*` once a principal touched more than one. */
function generalizeResources(resources: string[]): string[] {
  const byBucket = groupBy(resources, (resource) => /^(storage:bucket\/[^/]+)\/.+$/.exec(resource)?.[1] ?? resource);
  const result = [...byBucket].flatMap(([bucket, members]) => {
    const objects = new Set(members.filter((member) => member !== bucket));
    return objects.size > 1 ? [`${bucket}/*`] : [...new Set(members)];
  });
  return result.sort();
}

function statementId(action: string): string {
  return action.replace(/[^A-Za-z0-9]/g, '');
}

/** Least privilege from what each principal was actually allowed to do in the run. */
export function suggestPolicies(records: readonly TraceRecord[]): SuggestedPolicy[] {
  const decisions = records.filter((record): record is AuthzRecord => record.kind === 'authz');
  return [...groupBy(decisions, (decision) => decision.principal)]
    .map(([principal, own]) => {
      const allowed = own.filter((decision) => decision.decision === 'allow');
      const statements = [...groupBy(allowed, (decision) => decision.action)]
        .map(([action, calls]) => ({
          Sid: statementId(action),
          Effect: 'Allow' as const,
          Action: [action],
          Resource: generalizeResources(calls.map((call) => call.resource)),
        }))
        .sort((a, b) => a.Sid.localeCompare(b.Sid));
      const deniedCalls = own
        .filter((decision) => decision.decision === 'deny')
        .map((decision) => ({ action: decision.action, resource: decision.resource, reason: decision.denyReason ?? 'implicit' }));
      return { principal, Version: '2012-10-17' as const, Statement: statements, deniedCalls };
    })
    .sort((a, b) => a.principal.localeCompare(b.principal));
}
