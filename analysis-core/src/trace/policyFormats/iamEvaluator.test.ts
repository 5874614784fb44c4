import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allows, renderTerraformTemplate, resolveFnSub, terraformDocuments } from './iamEvaluator.testing';

const document = (Action: string[], Resource: string[]) => ({ Statement: [{ Effect: 'Allow', Action, Resource }] });

test('the evaluator follows IAM matching: wildcards, case-insensitive actions, case-sensitive resources, escapes', () => {
  assert.ok(allows([document(['s3:Get*'], ['arn:aws:s3:::b/*'])], 'S3:GETOBJECT', 'arn:aws:s3:::b/x/y'));
  assert.ok(!allows([document(['s3:Get*'], ['arn:aws:s3:::b/*'])], 's3:GetObject', 'arn:aws:s3:::B/x'));
  assert.ok(allows([document(['s3:GetObjec?'], ['arn:aws:s3:::b/?'])], 's3:GetObject', 'arn:aws:s3:::b/é'));
  assert.ok(!allows([document(['s3:GetObjec?'], ['arn:aws:s3:::b/?'])], 's3:GetObject', 'arn:aws:s3:::b/xy'));
  assert.ok(allows([document(['s3:GetObject'], ['b/${*}${?}${$}'])], 's3:GetObject', 'b/*?$'));
  assert.ok(!allows([document(['s3:GetObject'], ['b/${*}'])], 's3:GetObject', 'b/x'));
  assert.ok(!allows([{ Statement: [{ Effect: 'Deny', Action: ['*'], Resource: ['*'] }] }], 'a:b', 'c'));
  assert.ok(allows([document(['a:b'], ['x']), document(['a:c'], ['y'])], 'a:c', 'y'), 'documents attached together grant their union');
  assert.throws(() => allows([document(['a:b'], ['x/${AWS::AccountId}'])], 'a:b', 'x/1'), /unresolved policy variable/);
});

test('Fn::Sub and Terraform templates resolve as their documentation says', () => {
  assert.equal(resolveFnSub('arn:${AWS::Region}:${AWS::AccountId}:${!*}', { account: '1', region: 'r' }), 'arn:r:1:${*}');
  assert.throws(() => resolveFnSub('${Other}', {}), /cannot resolve/);
  assert.equal(renderTerraformTemplate('a$${*}%%{b}${data.aws_caller_identity.current.account_id}', { account: '1' }), 'a${*}%{b}1');
  assert.throws(() => renderTerraformTemplate('%{ if x }', {}), /directive/);
  const [fromSource] = terraformDocuments(
    { data: { aws_iam_policy_document: { p: { statement: [{ sid: 'Allow1', effect: 'Allow', actions: ['a:b'], resources: ['&{aws:username}'] }] } } }, resource: { aws_iam_policy: { p: { policy: '${data.aws_iam_policy_document.p.json}' } } } },
    {},
  );
  assert.deepEqual(fromSource!.Statement[0]!.Resource, ['${aws:username}'], 'the data source reads &{ as ${');
});
