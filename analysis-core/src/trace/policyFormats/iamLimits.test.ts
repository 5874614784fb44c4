import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { PolicyDocument } from '../analyses/policy';
import { awsDecisions, assertGrantsExactly, policiesOf } from './awsTraces.testing';
import { allows, charactersWithoutWhitespace } from './iamEvaluator.testing';
import { MANAGED_POLICY_LIMIT, fitPolicy, iamLimit, policyCharacters } from './iamLimits';

const managed = iamLimit('managed', 'role');
const SID = /^[A-Za-z0-9]+$/;

function documentOf(statements: [string[], string[]][]): PolicyDocument {
  return { Version: '2012-10-17', Statement: statements.map(([Action, Resource], index) => ({ Sid: `Allow${index + 1}`, Effect: 'Allow', Action, Resource })) };
}

function assertValidDocuments(documents: readonly PolicyDocument[], limit: number): void {
  for (const document of documents) {
    assert.equal(document.Version, '2012-10-17');
    assert.ok(document.Statement.length > 0);
    assert.ok(charactersWithoutWhitespace(document) <= limit, `${charactersWithoutWhitespace(document)} > ${limit}`);
    const sids = document.Statement.map((statement) => statement.Sid);
    for (const sid of sids) assert.match(sid, SID);
    assert.equal(new Set(sids).size, sids.length, 'Sids are unique within a document');
  }
}

/** Every (action, resource) pair of `document`, as IAM would test it. */
function pairs(document: PolicyDocument): [string, string][] {
  return document.Statement.flatMap((statement) => statement.Action.flatMap((action) => statement.Resource.map((resource): [string, string] => [action, resource.replace(/\$\{([*?$])\}/g, '$1')])));
}

test('a policy within the limit is kept as generated', () => {
  const document = documentOf([[['s3:GetObject'], ['arn:aws:s3:::b/k']]]);
  const fitted = fitPolicy(document, managed);
  assert.equal(fitted.fit, 'as-generated');
  assert.deepEqual(fitted.documents, [document]);
  assert.deepEqual(fitted.characters, [policyCharacters(document)]);
  assert.deepEqual(fitted.limit, { target: 'managed', characters: 6144, appliesTo: 'each managed policy' });
});

test('over the limit, resources with the same actions are merged into one statement before anything is split', () => {
  // As generated, one statement per action: each long resource list is written twice.
  const resources = Array.from({ length: 40 }, (_, index) => `arn:aws:sqs:us-east-1:111122223333:queue-${'q'.repeat(60)}-${index}`);
  const document = documentOf([
    [['sqs:ReceiveMessage'], [...resources, 'arn:aws:sqs:us-east-1:111122223333:only-receive']],
    [['sqs:SendMessage'], resources],
  ]);
  assert.ok(policyCharacters(document) > MANAGED_POLICY_LIMIT);
  const fitted = fitPolicy(document, managed);
  assert.equal(fitted.fit, 'merged');
  assert.equal(fitted.documents.length, 1);
  assert.deepEqual(fitted.documents[0]!.Statement.map((statement) => statement.Action), [['sqs:ReceiveMessage'], ['sqs:ReceiveMessage', 'sqs:SendMessage']]);
  assertValidDocuments(fitted.documents, MANAGED_POLICY_LIMIT);
  assert.deepEqual(new Set(pairs(fitted.documents[0]!).map(String)), new Set(pairs(document).map(String)));
});

test('a statement too large for one document is split by resources, and by actions when the actions alone are too long', () => {
  const resources = Array.from({ length: 300 }, (_, index) => `arn:aws:s3:::bucket/objects/${index}`);
  const byResources = fitPolicy(documentOf([[['s3:GetObject'], resources]]), managed);
  assert.equal(byResources.fit, 'split');
  assert.ok(byResources.documents.length >= 2);
  assertValidDocuments(byResources.documents, MANAGED_POLICY_LIMIT);
  const actions = Array.from({ length: 400 }, (_, index) => `service:Action${'X'.repeat(10)}${index}`);
  const byActions = fitPolicy(documentOf([[actions, ['arn:aws:s3:::bucket/a', 'arn:aws:s3:::bucket/b']]]), managed);
  assert.equal(byActions.fit, 'split');
  assert.ok(byActions.fits);
  assertValidDocuments(byActions.documents, MANAGED_POLICY_LIMIT);
  for (const action of actions) for (const resource of ['arn:aws:s3:::bucket/a', 'arn:aws:s3:::bucket/b']) assert.ok(allows(byActions.documents, action, resource));
  assert.ok(!allows(byActions.documents, 'service:Other', 'arn:aws:s3:::bucket/a'));
});

test('what cannot fit is said so: one action on one resource longer than a managed policy, or inline policies over the total', () => {
  const huge = fitPolicy(documentOf([[['s3:GetObject'], [`arn:aws:s3:::b/${'k'.repeat(7000)}`, 'arn:aws:s3:::b/small']]]), managed);
  assert.equal(huge.fits, false);
  assert.ok(huge.documents.some((document) => policyCharacters(document) <= MANAGED_POLICY_LIMIT), 'what fits is still split off');
  const resources = Array.from({ length: 400 }, (_, index) => `arn:aws:s3:::bucket/objects/${index}`);
  const inline = fitPolicy(documentOf([[['s3:GetObject'], resources]]), iamLimit('inline', 'role'));
  assert.equal(inline.fits, false);
  assert.equal(inline.documents.length, 1, 'splitting cannot help a total');
  assert.deepEqual(inline.limit, { target: 'inline', characters: 10240, appliesTo: 'all inline policies of one role together' });
  assert.equal(iamLimit('inline', 'user').characters, 2048);
  assert.equal(iamLimit('inline', 'group').characters, 5120);
  assert.ok(fitPolicy(documentOf([[['s3:GetObject'], resources.slice(0, 100)]]), iamLimit('inline', 'role')).fits);
});

test('2,000 distinct resources: every document under the limit without whitespace, together granting exactly what was observed', () => {
  const observed = Array.from({ length: 2000 }, (_, index) => `arn:aws:s3:::orders-${index % 7}/2025/${String(index).padStart(5, '0')}.json`);
  const events = observed.map((resource, index) => ({ kind: 'authz' as const, ts: 0, service: 's', principal: 'arn:aws:iam::111122223333:role/app', action: index % 3 === 0 ? 's3:PutObject' : 's3:GetObject', resource, decision: 'allow' as const }));
  const denied = { ...events[0]!, action: 's3:DeleteObject', decision: 'deny' as const, denyReason: 'explicit' as const };
  const [entry] = policiesOf([...events, denied]);
  const fitted = fitPolicy(entry!.policy, managed);
  assert.equal(fitted.fit, 'split');
  assert.ok(fitted.fits);
  assert.ok(fitted.documents.length > 1);
  assertValidDocuments(fitted.documents, MANAGED_POLICY_LIMIT);
  assertGrantsExactly(fitted.documents, entry!, [...events, denied]);
  assert.equal(fitted.documents.reduce((sum, document) => sum + pairs(document).length, 0), 2000, 'no pair is granted twice');
});

test('property: at any limit, the fitted documents together grant exactly what the generated one does', () => {
  fc.assert(
    fc.property(awsDecisions, fc.integer({ min: 300, max: 8000 }), fc.constantFrom('managed' as const, 'inline' as const), (events, characters, target) => {
      for (const entry of policiesOf(events)) {
        if (entry.policy.Statement.length === 0) continue;
        const limit = { ...iamLimit(target, 'role'), characters };
        const fitted = fitPolicy(entry.policy, limit);
        assertGrantsExactly(fitted.documents, entry, events);
        if (fitted.fits) assertValidDocuments(fitted.documents, target === 'managed' ? characters : Number.POSITIVE_INFINITY);
        if (target === 'inline') assert.equal(fitted.fits, fitted.characters.reduce((sum, size) => sum + size, 0) <= characters);
        else assert.equal(fitted.fits, fitted.characters.every((size) => size <= characters));
      }
    }),
    { numRuns: 150 },
  );
});
