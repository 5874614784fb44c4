import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PolicyDocument } from '../analyses/policy';
import { awsPrincipal, templateDocument } from './aws';

test('principals: roles, users and groups by friendly name (path dropped), assumed roles by their role, the rest other', () => {
  assert.deepEqual(awsPrincipal('arn:aws:iam::111122223333:role/service-role/orders-api'), { kind: 'role', name: 'orders-api', account: '111122223333' });
  assert.deepEqual(awsPrincipal('arn:aws:sts::111122223333:assumed-role/worker/session-1'), { kind: 'role', name: 'worker', account: '111122223333' });
  assert.deepEqual(awsPrincipal('arn:aws-cn:iam::111122223333:user/dev'), { kind: 'user', name: 'dev', account: '111122223333' });
  assert.deepEqual(awsPrincipal('arn:aws:iam::111122223333:group/ops'), { kind: 'group', name: 'ops', account: '111122223333' });
  assert.deepEqual(awsPrincipal('arn:aws:iam::111122223333:root'), { kind: 'other', account: '111122223333' });
  assert.deepEqual(awsPrincipal('svc-orders'), { kind: 'other' });
  assert.deepEqual(awsPrincipal('arn:aws:iam::111122223333:role/'), { kind: 'other', account: '111122223333' });
});

const documentOf = (resources: string[]): PolicyDocument => ({ Version: '2012-10-17', Statement: [{ Sid: 'Allow1', Effect: 'Allow', Action: ['x:Y'], Resource: resources }] });
const role = awsPrincipal('arn:aws:iam::111122223333:role/app');

test('templating replaces only the principal\'s own account, and the region only when there is one', () => {
  const resources = [
    'arn:aws:sqs:us-east-1:111122223333:jobs',
    'arn:aws:sqs:us-east-1:444455556666:theirs',
    'arn:aws:s3:::bucket-111122223333/key',
    'arn:aws:iam::aws:policy/ReadOnlyAccess',
    'arn:aws:iam::111122223333:role/other',
    'plain/111122223333',
  ];
  const outcome = templateDocument(documentOf(resources), role, { account: true, region: true });
  assert.deepEqual(outcome.document.Statement[0]!.Resource, [
    'arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:jobs',
    'arn:aws:sqs:${AWS::Region}:444455556666:theirs',
    'arn:aws:s3:::bucket-111122223333/key',
    'arn:aws:iam::aws:policy/ReadOnlyAccess',
    'arn:aws:iam::${AWS::AccountId}:role/other',
    'plain/111122223333',
  ]);
  assert.equal(outcome.account, '111122223333');
  assert.equal(outcome.region, 'us-east-1');
  const twoRegions = templateDocument(documentOf(['arn:aws:sqs:us-east-1:111122223333:a', 'arn:aws:sqs:eu-west-1:111122223333:b']), role, { region: true });
  assert.deepEqual(twoRegions.document.Statement[0]!.Resource, ['arn:aws:sqs:us-east-1:111122223333:a', 'arn:aws:sqs:eu-west-1:111122223333:b']);
  assert.match(twoRegions.skipped.join(), /2 regions/);
  const notArn = templateDocument(documentOf(['arn:aws:sqs:us-east-1:111122223333:a']), awsPrincipal('svc'), { account: true });
  assert.deepEqual(notArn.document.Statement[0]!.Resource, ['arn:aws:sqs:us-east-1:111122223333:a']);
  assert.match(notArn.skipped.join(), /not an ARN/);
  const escaped = templateDocument(documentOf(['arn:aws:sqs:us-east-1:111122223333:${$}{AWS::AccountId}']), role, { account: true });
  assert.deepEqual(escaped.document.Statement[0]!.Resource, ['arn:aws:sqs:us-east-1:${AWS::AccountId}:${$}{AWS::AccountId}'], 'an escaped observed name stays escaped');
});
