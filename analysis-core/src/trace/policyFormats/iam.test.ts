import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ACCOUNT, assertGrantsExactly, awsDecisions, policiesOf, substitutionsFor, templateOptions } from './awsTraces.testing';
import { type IamPrincipalJson, IAM_SCHEMA, iamJson } from './iam';
import { allows } from './iamEvaluator.testing';

function render(...args: Parameters<typeof iamJson>): { output: { principals: IamPrincipalJson[] } & Record<string, unknown>; notes: string[]; problems: string[] } {
  const notes: string[] = [];
  const problems: string[] = [];
  const text = [...iamJson(args[0], args[1], { note: (line) => notes.push(line), problem: (line) => problems.push(line) }, args[3])].join('');
  return { output: JSON.parse(text), notes, problems };
}

/** The placeholders of a templated document replaced by the values they stand for, as a deployment tool would. */
function substituted(documents: unknown, values: { account?: string; region?: string }): IamPrincipalJson['documents'][number]['policy'][] {
  let text = JSON.stringify(documents);
  if (values.account !== undefined) text = text.replaceAll('${AWS::AccountId}', values.account);
  if (values.region !== undefined) text = text.replaceAll('${AWS::Region}', values.region);
  return JSON.parse(text);
}

const allow = (principal: string, action: string, resource: string) => ({ kind: 'authz' as const, ts: 0, service: 's', principal, action, resource, decision: 'allow' as const });

test('iam: the documents per principal with the limit that applied, the input members at the end', () => {
  const events = [allow(`arn:aws:iam::${ACCOUNT}:role/app`, 'sqs:SendMessage', `arn:aws:sqs:us-east-1:${ACCOUNT}:jobs`), { ...allow('svc', 'x:Y', 'r'), decision: 'deny' as const, denyReason: 'implicit' as const }];
  const { output, notes, problems } = render(policiesOf(events), { iamTarget: 'managed', template: { account: true, region: true } }, { note: () => {}, problem: () => {} }, { inputs: { files: [] } });
  assert.deepEqual(Object.keys(output), ['schema', 'target', 'template', 'principals', 'inputs']);
  assert.equal(output.schema, IAM_SCHEMA);
  assert.deepEqual(output.principals, [
    {
      principal: `arn:aws:iam::${ACCOUNT}:role/app`,
      limit: { target: 'managed', characters: 6144, appliesTo: 'each managed policy' },
      fit: 'as-generated',
      fits: true,
      templated: { account: ACCOUNT, region: 'us-east-1' },
      documents: [
        {
          characters: 166,
          policy: { Version: '2012-10-17', Statement: [{ Sid: 'Allow1', Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: ['arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:jobs'] }] },
        },
      ],
    },
  ]);
  assert.equal(JSON.stringify(output.principals[0]!.documents[0]!.policy).length, 166);
  assert.deepEqual(problems, []);
  assert.deepEqual(notes, ['IAM managed policies, at most 6,144 characters each (whitespace not counted): 1 principal in 1 document, 1 granted nothing, left out']);
});

test('iam: the text is what JSON.stringify(value, null, 2) writes', () => {
  const text = [...iamJson(policiesOf([allow('a', 'x:Y', 'r'), allow('b', 'x:Y', 'r')]), { iamTarget: 'inline', template: {} }, { note: () => {}, problem: () => {} }, { inputs: {}, issues: {} })].join('');
  assert.equal(text, `${JSON.stringify(JSON.parse(text), null, 2)}\n`);
});

test('iam --iam-target inline: a principal over the total is a problem naming it and the way out', () => {
  const events = Array.from({ length: 100 }, (_, index) => allow(`arn:aws:iam::${ACCOUNT}:user/dev`, 's3:GetObject', `arn:aws:s3:::bucket/objects/${index}`));
  const { output, problems } = render(policiesOf(events), { iamTarget: 'inline', template: {} }, { note: () => {}, problem: () => {} });
  assert.equal(output.principals[0]!.fits, false);
  assert.deepEqual(output.principals[0]!.limit, { target: 'inline', characters: 2048, appliesTo: 'all inline policies of one user together' });
  assert.equal(problems.length, 1);
  assert.match(problems[0]!, /^arn:aws:iam::111122223333:user\/dev: [\d,]+ characters of inline policy even with statements merged, over the 2,048 allowed .* use --iam-target managed$/);
});

test('iam property: for every principal, target and templating, the documents grant exactly what was observed, each within its limit', () => {
  fc.assert(
    fc.property(awsDecisions, fc.constantFrom('managed' as const, 'inline' as const), templateOptions, (events, iamTarget, template) => {
      const policies = policiesOf(events);
      const { output, problems } = render(policies, { iamTarget, template }, { note: () => {}, problem: () => {} });
      assert.equal(problems.length, output.principals.filter((principal) => !principal.fits).length);
      for (const principal of output.principals) {
        const entry = policies.find((candidate) => candidate.principal === principal.principal)!;
        const documents = substituted(principal.documents.map((document) => document.policy), substitutionsFor(entry));
        assertGrantsExactly(documents, entry, events);
        if (principal.fits && iamTarget === 'managed') for (const document of principal.documents) assert.ok(document.characters <= 6144);
        for (const document of principal.documents) assert.equal(document.characters, JSON.stringify(document.policy).length);
      }
      // Principals granted nothing are left out, and nothing that was only denied is granted to anyone.
      assert.deepEqual(output.principals.map((principal) => principal.principal), policies.filter((entry) => entry.policy.Statement.length > 0).map((entry) => entry.principal));
      for (const entry of policies) if (entry.policy.Statement.length === 0) for (const event of events.filter((e) => e.principal === entry.principal)) assert.ok(!allows([entry.policy], event.action, event.resource));
    }),
    { numRuns: 120 },
  );
});
