import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import Ajv from 'ajv';
import fc from 'fast-check';
import { ACCOUNT, assertGrantsExactly, awsDecisions, policiesOf, substitutionsFor, templateOptions } from './awsTraces.testing';
import { cloudFormationString, cloudFormationTemplate } from './cloudformation';
import { type Substitutions, resolveCloudFormation, resolveFnSub } from './iamEvaluator.testing';

/** The registry schema of AWS::IAM::ManagedPolicy, pinned in test-fixtures/cloudformation (see its README). */
const registrySchema = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'test-fixtures', 'cloudformation', 'aws-iam-managedpolicy.json'), 'utf8'));
// strictTypes off: a registry schema leaves the properties object's `type` implied, and PolicyDocument's maxLength applies to its string form only.
const ajv = new Ajv({ strict: true, strictTypes: false, allErrors: true });
// The registry's own keywords describe the provider, not the value: known to the validator, checked by none.
ajv.addVocabulary(['typeName', 'sourceUrl', 'insertionOrder', 'createOnlyProperties', 'readOnlyProperties', 'primaryIdentifier', 'replacementStrategy', 'tagging']);
const validateProperties = ajv.compile(registrySchema);
const readOnly = new Set((registrySchema.readOnlyProperties as string[]).map((pointer) => pointer.replace('/properties/', '')));

interface Template {
  AWSTemplateFormatVersion: string;
  Description: string;
  Resources: Record<string, { Type: string; Properties: Record<string, unknown> & { PolicyDocument: unknown } }>;
}

function render(policies: Parameters<typeof cloudFormationTemplate>[0], template: { account?: boolean; region?: boolean } = {}) {
  const notes: string[] = [];
  const problems: string[] = [];
  const text = [...cloudFormationTemplate(policies, { iamTarget: 'managed', template }, { note: (line) => notes.push(line), problem: (line) => problems.push(line) })].join('');
  return { text, template: JSON.parse(text) as Template, notes, problems };
}

/** A template as CloudFormation checks it before creating anything: its shape, and each resource's properties against the registry schema. */
function assertValidTemplate(template: Template): void {
  assert.equal(template.AWSTemplateFormatVersion, '2010-09-09');
  assert.ok(Buffer.byteLength(template.Description) <= 1024);
  const ids = Object.keys(template.Resources);
  assert.ok(ids.length > 0 && ids.length <= 500);
  for (const id of ids) {
    assert.match(id, /^[A-Za-z0-9]{1,255}$/);
    const resource = template.Resources[id]!;
    assert.deepEqual(Object.keys(resource), ['Type', 'Properties']);
    assert.equal(resource.Type, registrySchema.typeName);
    assert.ok(validateProperties(resource.Properties), `${id}: ${ajv.errorsText(validateProperties.errors)}`);
    for (const property of Object.keys(resource.Properties)) assert.ok(!readOnly.has(property), `${id} sets read-only ${property}`);
    assert.match(resource.Properties.Description as string, /^[\t\n\r\u0020-\u007E\u00A1-\u00FF]{0,1000}$/);
  }
}

const allow = (principal: string, action: string, resource: string) => ({ kind: 'authz' as const, ts: 0, service: 's', principal, action, resource, decision: 'allow' as const });

test('cloudformation: one managed policy per document, attached to the role, user or group by name, valid against the registry schema', () => {
  const events = [
    allow(`arn:aws:iam::${ACCOUNT}:role/service-role/orders-api`, 'sqs:SendMessage', `arn:aws:sqs:us-east-1:${ACCOUNT}:jobs`),
    allow(`arn:aws:sts::${ACCOUNT}:assumed-role/orders_api/session`, 's3:GetObject', 'arn:aws:s3:::bucket/${x}'),
    allow(`arn:aws:iam::${ACCOUNT}:user/dev`, 's3:GetObject', 'arn:aws:s3:::bucket/a'),
    allow(`arn:aws:iam::${ACCOUNT}:group/ops`, 's3:GetObject', 'arn:aws:s3:::bucket/a'),
    allow('9-lives \u202e', 's3:GetObject', 'arn:aws:s3:::bucket/a'),
  ];
  const { template, notes, problems } = render(policiesOf(events), { account: true });
  assertValidTemplate(template);
  assert.deepEqual(problems, []);
  assert.deepEqual(notes.slice(0, 1), ['9-lives \u202e: the principal is not an ARN with an account id, so no account is templated']);
  assert.deepEqual(Object.keys(template.Resources), ['Principal9LivesPolicy', 'OpsPolicy', 'OrdersApiPolicy', 'DevPolicy', 'OrdersApi2Policy']);
  const role = template.Resources.OrdersApiPolicy!.Properties;
  assert.deepEqual(role.Roles, ['orders-api']);
  assert.deepEqual(role.PolicyDocument, {
    Version: '2012-10-17',
    Statement: [{ Sid: 'Allow1', Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: [{ 'Fn::Sub': `arn:aws:sqs:us-east-1:\${AWS::AccountId}:jobs` }] }],
  });
  assert.deepEqual(template.Resources.OrdersApi2Policy!.Properties.Roles, ['orders_api']);
  assert.deepEqual((template.Resources.OrdersApi2Policy!.Properties.PolicyDocument as { Statement: { Resource: unknown }[] }).Statement[0]!.Resource, ['arn:aws:s3:::bucket/${$}{x}'], 'an untemplated string stays literal');
  assert.deepEqual(template.Resources.DevPolicy!.Properties.Users, ['dev']);
  assert.deepEqual(template.Resources.OpsPolicy!.Properties.Groups, ['ops']);
  const other = template.Resources.Principal9LivesPolicy!.Properties;
  assert.equal(other.Roles ?? other.Users ?? other.Groups, undefined);
  assert.equal(other.Description, 'Observed permissions of 9-lives ?, generated by Planewise');
});

test('cloudformation: Fn::Sub strings keep IAM escapes literal', () => {
  const written = cloudFormationString(`arn:aws:sqs:\${AWS::Region}:\${AWS::AccountId}:q\${*}\${$}{AWS::Region}`);
  assert.deepEqual(written, { 'Fn::Sub': 'arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:q${!*}${!$}{AWS::Region}' });
  assert.equal(resolveFnSub((written as { 'Fn::Sub': string })['Fn::Sub'], { account: ACCOUNT, region: 'eu-west-1' }), `arn:aws:sqs:eu-west-1:${ACCOUNT}:q\${*}\${$}{AWS::Region}`);
});

test('cloudformation: a split principal gets numbered policies, all attached; an empty template is a problem', () => {
  const events = Array.from({ length: 400 }, (_, index) => allow(`arn:aws:iam::${ACCOUNT}:role/app`, 's3:GetObject', `arn:aws:s3:::bucket/objects/${'o'.repeat(20)}${index}`));
  const { template, notes } = render(policiesOf(events));
  assertValidTemplate(template);
  const ids = Object.keys(template.Resources);
  assert.ok(ids.length > 1);
  assert.deepEqual(ids, ids.map((_, index) => `AppPolicy${index + 1}`));
  for (const id of ids) assert.deepEqual(template.Resources[id]!.Properties.Roles, ['app']);
  assert.match(template.Resources.AppPolicy1!.Properties.Description as string, /\(1 of \d+\)/);
  assert.match(notes[0]!, /1 principal in \d+ documents, 1 split/);
  const empty = render([]);
  assert.deepEqual(empty.template.Resources, {});
  assert.match(empty.problems[0]!, /no resources, which CloudFormation refuses/);
});

test('cloudformation property: valid templates whose policies, once Fn::Sub is resolved, grant exactly what was observed', () => {
  fc.assert(
    fc.property(awsDecisions, templateOptions, (events, template) => {
      const policies = policiesOf(events);
      for (const entry of policies) {
        if (entry.policy.Statement.length === 0) continue;
        const rendered = render([entry], template);
        assert.equal(rendered.text, `${JSON.stringify(rendered.template, null, 2)}\n`);
        assertValidTemplate(rendered.template);
        const values: Substitutions = substitutionsFor(entry);
        const documents = Object.values(rendered.template.Resources).map((resource) => resolveCloudFormation(resource.Properties.PolicyDocument, values) as Parameters<typeof assertGrantsExactly>[0][number]);
        assertGrantsExactly(documents, entry, events);
      }
    }),
    { numRuns: 100 },
  );
});
