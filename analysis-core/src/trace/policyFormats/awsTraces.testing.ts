/**
 * For the AWS format tests: decisions on ARNs in one account and two regions,
 * in other accounts, on S3 (no account or region) and AWS managed resources,
 * with names that hold every character a format must escape, sometimes long
 * enough to push a principal past the managed policy limit; and the checks
 * that a format's documents grant exactly what was observed.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { type PrincipalPolicy, PolicyAccumulator, principalPolicies } from '../analyses/policy';
import type { AuthzEvent } from '../schema';
import { type Substitutions, allows } from './iamEvaluator.testing';

export const ACCOUNT = '111122223333';

const leaf = fc.oneof(
  fc.constantFrom('a', 'b', 'c', '*', '?x', '$y', '${AWS::AccountId}', '${AWS::Region}', '&{aws:username}', '%{ if x }', '"q\\', 'é', '\u0007', 'tab\there', 'a/b/c'),
  fc.string({ maxLength: 6 }),
  // Long names: about thirty of them exceed one managed policy.
  fc.tuple(fc.constantFrom('a', 'b'), fc.integer({ min: 0, max: 40 })).map(([letter, index]) => `${letter.repeat(200)}-${index}`),
);

const resource = fc.tuple(
  fc.constantFrom(
    `arn:aws:sqs:us-east-1:${ACCOUNT}:`,
    `arn:aws:sqs:eu-west-1:${ACCOUNT}:`,
    'arn:aws:sqs:us-east-1:444455556666:',
    'arn:aws:s3:::bucket/',
    'arn:aws:iam::aws:policy/',
    `arn:aws:iam::${ACCOUNT}:role/`,
    'plain/',
  ),
  leaf,
).map(([prefix, name]) => prefix + name);

export const PRINCIPALS = [`arn:aws:iam::${ACCOUNT}:role/app`, `arn:aws:sts::${ACCOUNT}:assumed-role/worker/s1`, `arn:aws:iam::${ACCOUNT}:user/dev`, `arn:aws:iam::${ACCOUNT}:group/ops`, 'svc-plain'];

export const awsDecision: fc.Arbitrary<AuthzEvent> = fc
  .record({
    principal: fc.constantFrom(...PRINCIPALS),
    action: fc.constantFrom('s3:GetObject', 's3:getobject', 'sqs:SendMessage', 'iam:GetPolicy', 'kms:Decrypt'),
    resource,
    decision: fc.constantFrom('allow' as const, 'allow' as const, 'deny' as const),
  })
  .map(({ decision, ...rest }) => ({ kind: 'authz' as const, ts: 0, service: 'svc', ...rest, decision, ...(decision === 'deny' ? { denyReason: 'explicit' as const } : {}) }));

export const awsDecisions = fc.array(awsDecision, { minLength: 1, maxLength: 60 });

export const templateOptions = fc.record({ account: fc.boolean(), region: fc.boolean() });

export function policiesOf(events: readonly AuthzEvent[], wildcardThreshold?: number): PrincipalPolicy[] {
  const accumulator = new PolicyAccumulator();
  for (const event of events) accumulator.add(event);
  return [...principalPolicies(accumulator, wildcardThreshold === undefined ? {} : { wildcardThreshold })];
}

/** The values placeholders stand for in a principal's documents: its account, and its resources' region when there is one. */
export function substitutionsFor(entry: PrincipalPolicy): Substitutions {
  const regions = new Set<string>();
  for (const statement of entry.policy.Statement) for (const pattern of statement.Resource) if (pattern.startsWith('arn:') && pattern.split(':')[3] !== '') regions.add(pattern.split(':')[3]!);
  return { account: ACCOUNT, ...(regions.size === 1 ? { region: [...regions][0]! } : {}) };
}

/**
 * Soundness and completeness of `documents` for one principal: every
 * observed allowed pair is allowed; a pair only ever denied is not (unless an
 * allowed pair differs from it only in the action's case, which IAM cannot
 * tell apart); and a set of near misses (other case in the resource, a
 * character more or less, another principal's grants) is allowed exactly when
 * the generated document allows it.
 */
export function assertGrantsExactly(documents: readonly PolicyDocumentLike[], entry: PrincipalPolicy, events: readonly AuthzEvent[]): void {
  const mine = events.filter((event) => event.principal === entry.principal);
  const allowedPairs = new Set(mine.filter((event) => event.decision === 'allow').map((event) => `${event.action.toLowerCase()}\n${event.resource}`));
  for (const event of mine) {
    const expected = allowedPairs.has(`${event.action.toLowerCase()}\n${event.resource}`);
    assert.equal(allows(documents, event.action, event.resource), expected, `${event.decision} ${event.action} ${event.resource}`);
  }
  const probes = events.flatMap((event) => [
    [event.action, event.resource],
    [event.action, `${event.resource}x`],
    [event.action, event.resource.slice(0, -1)],
    [event.action, event.resource.toUpperCase()],
    ['s3:PutObject', event.resource],
  ]);
  for (const [action, resource] of probes) {
    assert.equal(allows(documents, action!, resource!), allows([entry.policy], action!, resource!), `probe ${action} ${resource}`);
  }
}

export interface PolicyDocumentLike {
  Statement: { Effect: string; Action: string | string[]; Resource: string | string[] }[];
}
