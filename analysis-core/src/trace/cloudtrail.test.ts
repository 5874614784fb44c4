import assert from 'node:assert/strict';
import fc from 'fast-check';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { after, test } from 'node:test';
import { analyzeTraces } from './analyze';
import { iamAction } from './awsActions';
import { cloudTrailLineToEvents, isCloudTrailLine } from './cloudtrail';
import { resolveTraceInputs } from './inputs';
import type { EventLocation } from './lineParser';
import { readTraceFile } from './reader';
import { decisionRows, dropUndefined, json, maybeWrong, optional, readDecisions } from './testing';
import { isTraceEvent } from './validate';

const fixtures = path.join(__dirname, '..', '..', 'test-fixtures', 'cloudtrail');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'planewise-cloudtrail-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const ACCOUNT = '111122223333';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/orders-api`;
const ALICE = `arn:aws:iam::${ACCOUNT}:user/alice`;

const fixture = (name: string) => readDecisions(path.join(fixtures, name));
const rows = decisionRows;

test('an S3 delivery file: one decision per record, the role behind a session, resources from ARNs or the request', async () => {
  const { events, issues, result } = await fixture('records.json');
  assert.deepEqual(issues, []);
  assert.equal(result.checkpoint.state.format, 'cloudtrail');
  assert.deepEqual(rows(events), [
    [ROLE, 's3:GetObject', 'arn:aws:s3:::orders/2025/01/1001.json', 'allow'],
    [ROLE, 's3:PutObject', 'arn:aws:s3:::orders/2025/01/1002.json', 'allow'],
    [ALICE, 'dynamodb:GetItem', `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/customers`, 'deny/implicit'],
    [ALICE, 'ec2:TerminateInstances', '*', 'deny/explicit'],
    [ROLE, 'sqs:SendMessage', `arn:aws:sqs:us-east-1:${ACCOUNT}:order-events`, 'allow'],
    [ROLE, 'kms:Decrypt', `arn:aws:kms:us-east-1:${ACCOUNT}:alias/orders`, 'allow'],
    [ROLE, 'cloudwatch:PutMetricData', '*', 'allow'],
    [ROLE, 's3:ListBucket', 'arn:aws:s3:::orders', 'allow'],
    [ALICE, 'sqs:GetQueueAttributes', `arn:aws:sqs:us-east-1:${ACCOUNT}:order-events`, 'deny/implicit'],
  ]);
  assert.equal(events[0]!.service, 's3.amazonaws.com');
  assert.equal(events[0]!.ts, Date.parse('2025-01-07T10:00:00Z'));
  assert.deepEqual(result.counts, { lines: 1, events: 9, invalid: 0, skipped: 0, warnings: 0 });
});

test('a bare JSON array of records is read like {"Records":[...]}', async () => {
  const { events, issues } = await fixture('bare-array.json');
  assert.deepEqual(issues, []);
  assert.deepEqual(rows(events), [
    [ROLE, 's3:GetObject', 'arn:aws:s3:::orders/a.json', 'allow'],
    [ROLE, 's3:DeleteObject', 'arn:aws:s3:::orders/a.json', 'deny/implicit'],
  ]);
});

test('`aws cloudtrail lookup-events` output: the record is the JSON text in CloudTrailEvent', async () => {
  const { events, issues } = await fixture('lookup-events.json');
  assert.deepEqual(issues, []);
  assert.deepEqual(rows(events), [
    [ALICE, 'iam:CreateUser', '*', 'allow'],
    [ALICE, 'ec2:DescribeInstances', '*', 'allow'],
  ]);
  const broken = cloudTrailLineToEvents({ Events: [{ CloudTrailEvent: '{oops' }, { EventName: 'x' }] });
  assert.equal(broken.events.length, 0);
  assert.match(broken.problems[0]!, /^event 1: CloudTrailEvent is not JSON/);
  assert.equal(broken.problems[1], 'event 2: no CloudTrailEvent; skipped');
});

test('callers without an ARN: the AWS service that acted, an anonymous caller, another account', async () => {
  const { events, issues } = await fixture('aws-service-no-arn.json');
  assert.deepEqual(issues, []);
  assert.deepEqual(
    events.map((e) => [e.principal, e.action]),
    [
      ['lambda.amazonaws.com', 'sts:AssumeRole'],
      ['kms.amazonaws.com', 'kms:RotateKey'],
      ['anonymous', 's3:GetObject'],
      ['arn:aws:iam::444455556666:root', 's3:GetObject'],
    ],
  );
  assert.equal(events[0]!.resource, ROLE);
});

test('the root user keeps its ARN; a federated user is the IAM user that issued its session', async () => {
  const { events } = await fixture('root-and-federated.json');
  assert.deepEqual(
    events.map((e) => e.principal),
    [`arn:aws:iam::${ACCOUNT}:root`, `arn:aws:iam::${ACCOUNT}:user/token-broker`],
  );
});

test('Lambda event names lose their API version; the Invoke data event is lambda:InvokeFunction', async () => {
  const { events } = await fixture('lambda-versioned.json');
  assert.deepEqual(
    events.map((e) => e.action),
    ['lambda:UpdateFunctionCode', 'lambda:ListFunctions', 'lambda:InvokeFunction'],
  );
  assert.equal(events[2]!.resource, `arn:aws:lambda:us-east-1:${ACCOUNT}:function:orders-api`);
});

test('console sign-ins are skipped and counted; STS calls are IAM actions and kept', async () => {
  const { events, issues, result } = await fixture('signin-sts.json');
  assert.deepEqual(issues, []);
  assert.equal(result.counts.skipped, 2);
  assert.deepEqual(rows(events), [
    [ALICE, 'sts:AssumeRole', `arn:aws:iam::${ACCOUNT}:role/admin`, 'deny/implicit'],
    [ROLE, 'sts:GetCallerIdentity', '*', 'allow'],
  ]);
});

test('Insight records (no eventSource) are skipped and counted, not invalid', async () => {
  const { events, issues, result } = await fixture('insight.json');
  assert.deepEqual(issues, []);
  assert.deepEqual(result.counts, { lines: 1, events: 1, invalid: 0, skipped: 1, warnings: 0 });
  assert.equal(events[0]!.action, 'ec2:RunInstances');
});

test('version 1.0 records without eventID are read', async () => {
  const { events, issues } = await fixture('version-1.0.json');
  assert.deepEqual(issues, []);
  assert.deepEqual(rows(events), [[`arn:aws:iam::${ACCOUNT}:user/legacy`, 'ec2:StartInstances', '*', 'allow']]);
  assert.equal(events[0]!.ts, Date.parse('2014-03-06T21:22:54Z'));
});

test('resources[] entries without a type, or without an ARN, are read or passed over', async () => {
  const { events } = await fixture('resources-without-type.json');
  assert.deepEqual(
    events.map((e) => e.resource),
    [`arn:aws:kms:us-east-1:${ACCOUNT}:key/5678`, '*'],
  );
});

test('single records as JSON Lines, the last without a final newline', async () => {
  const { events, issues, result } = await fixture('lake-no-final-newline.jsonl');
  assert.deepEqual(issues, []);
  assert.equal(result.counts.lines, 2);
  assert.deepEqual(
    events.map((e) => [e.action, e.resource]),
    [
      ['dynamodb:PutItem', `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/orders`],
      ['dynamodb:Query', `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/orders/index/by-customer`],
    ],
  );
});

test('an EventBridge event carries the record in detail', async () => {
  const { events, issues } = await fixture('eventbridge.jsonl');
  assert.deepEqual(issues, []);
  assert.deepEqual(rows(events), [[ALICE, 's3:PutBucketPolicy', 'arn:aws:s3:::orders', 'allow']]);
});

test('a gzipped delivery file is read the same', async () => {
  const file = path.join(dir, `${ACCOUNT}_CloudTrail_us-east-1_20250107T1000Z_abc.json.gz`);
  fs.writeFileSync(file, zlib.gzipSync(fs.readFileSync(path.join(fixtures, 'records.json'))));
  const { events } = await readDecisions(file);
  assert.equal(events.length, 9);
});

test('bad records are warnings and the rest of the file is used; a line with nothing usable is invalid', async () => {
  const file = path.join(dir, 'mixed.json');
  const good = { eventVersion: '1.09', eventTime: '2025-01-07T10:00:00Z', eventSource: 's3.amazonaws.com', eventName: 'GetObject', userIdentity: { arn: ALICE } };
  const lines = [
    { Records: [good, { ...good, eventName: undefined }, 'text', { ...good, eventTime: 'yesterday', userIdentity: {} }] },
    { ...good, eventSource: 7 },
    { kind: 'span' },
    { Records: [] },
  ];
  fs.writeFileSync(file, `${lines.map((line) => JSON.stringify(line)).join('\n')}\nnot json\n`);
  const { events, issues, result } = await readDecisions(file);
  assert.equal(events.length, 1);
  assert.deepEqual(
    issues.map((issue) => `${issue.line} ${issue.severity}: ${issue.reason}`),
    [
      '1 warning: record 2: no usable eventName; skipped',
      '1 warning: record 3: not a CloudTrail record (needs eventTime and eventSource); skipped',
      '1 warning: record 4: no usable userIdentity, eventTime; skipped',
      '2 error: record: no usable eventSource; skipped',
      '3 error: record: not a CloudTrail record (needs eventTime and eventSource); skipped',
      '5 error: not JSON: Unexpected token \'o\', "not json" is not valid JSON',
    ],
  );
  assert.deepEqual(result.counts, { lines: 5, events: 1, invalid: 3, skipped: 0, warnings: 3 });
});

test('detection: CloudTrail shapes are recognised, planewise events and OTLP batches are not', () => {
  assert.ok(isCloudTrailLine({ Records: [] }));
  assert.ok(isCloudTrailLine([{ eventTime: 't', eventSource: 's3.amazonaws.com' }]));
  assert.ok(!isCloudTrailLine([]));
  assert.ok(!isCloudTrailLine({ kind: 'authz', ts: 0 }));
  assert.ok(!isCloudTrailLine({ resourceSpans: [] }));
  assert.ok(!isCloudTrailLine(null));
});

test('IAM names: endpoint prefixes that differ, renamed events, no prototype lookups', () => {
  assert.equal(iamAction('monitoring.amazonaws.com', 'GetMetricData'), 'cloudwatch:GetMetricData');
  assert.equal(iamAction('email.amazonaws.com', 'SendEmail'), 'ses:SendEmail');
  assert.equal(iamAction('s3.amazonaws.com', 'HeadObject'), 's3:GetObject');
  assert.equal(iamAction('lambda.amazonaws.com', 'GetFunctionConfiguration20150331v2'), 'lambda:GetFunctionConfiguration');
  assert.equal(iamAction('constructor.amazonaws.com', 'toString'), 'constructor:toString');
  assert.equal(iamAction('s3.amazonaws.com', 'constructor'), 's3:constructor');
});

test('indented JSON as the AWS CLI prints it and `jq .` writes it gives the decisions of its compact form, each at its own line', async () => {
  for (const [indented, compact] of [
    ['lookup-events-indented.json', 'lookup-events.json'],
    ['records-indented.json', 'records.json'],
  ] as const) {
    const pretty = await fixture(indented);
    const plain = await fixture(compact);
    assert.deepEqual(pretty.issues, [], indented);
    assert.deepEqual(pretty.events, plain.events, indented);
    assert.equal(pretty.result.checkpoint.state.format, 'cloudtrail');
    assert.equal(pretty.result.checkpoint.state.document, true);
  }
  const locations: EventLocation[] = [];
  await readTraceFile(path.join(fixtures, 'lookup-events-indented.json'), { event: (_event, at) => locations.push(at) });
  // Each entry of Events starts on its own line: line 3 and line 13 of the file.
  assert.deepEqual(locations.map((at) => at.line), [3, 13]);
});

const nearRecord = fc
  .record({
    eventVersion: optional(maybeWrong(fc.constantFrom('1.0', '1.09'))),
    eventTime: maybeWrong(fc.constantFrom('2025-01-07T10:00:00Z', '1969-12-31T23:59:59Z', 'soon')),
    eventSource: maybeWrong(fc.constantFrom('s3.amazonaws.com', 'sqs.amazonaws.com', 'kms.amazonaws.com', 'dynamodb.amazonaws.com', 'lambda.amazonaws.com', '__proto__')),
    eventName: maybeWrong(fc.constantFrom('GetObject', 'Invoke', 'SendMessage', 'hasOwnProperty', '')),
    eventType: optional(maybeWrong(fc.constantFrom('AwsApiCall', 'AwsConsoleSignIn', 'AwsCloudTrailInsight'))),
    userIdentity: maybeWrong(fc.record({ type: maybeWrong(fc.constantFrom('AssumedRole', 'AWSAccount', 'AWSService')), arn: optional(maybeWrong(fc.constant('arn:x'))), accountId: optional(maybeWrong(fc.constantFrom('anonymous', '1'))), sessionContext: optional(json) }).map(dropUndefined)),
    requestParameters: optional(maybeWrong(fc.record({ bucketName: maybeWrong(fc.constant('b')), key: optional(json), queueUrl: optional(maybeWrong(fc.constant('https://sqs.x.amazonaws.com/123456789012/q'))), keyId: optional(json), tableName: optional(json) }).map(dropUndefined))),
    resources: optional(maybeWrong(fc.array(fc.record({ ARN: maybeWrong(fc.constant('arn:y')) }), { maxLength: 2 }))),
    errorCode: optional(maybeWrong(fc.constantFrom('AccessDenied', 'Client.UnauthorizedOperation', 'NoSuchKey'))),
    errorMessage: optional(json),
  })
  .map(dropUndefined);

test('any line: never throws, and every event made is a valid authz event', () => {
  fc.assert(
    fc.property(fc.oneof(json, fc.array(nearRecord, { maxLength: 4 }), fc.array(nearRecord, { maxLength: 4 }).map((Records) => ({ Records })), nearRecord), (value) => {
      const { events } = cloudTrailLineToEvents(value);
      for (const event of events) assert.ok(isTraceEvent(event), JSON.stringify(event));
    }),
  );
});

test('a delivery file over 4 MiB (one line) is read whole when named as CloudTrail delivers it', async () => {
  const record = (index: number) => ({ eventVersion: '1.08', eventSource: 's3.amazonaws.com', eventName: 'GetObject', eventTime: '2025-01-01T00:00:00Z', userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::111122223333:user/u${index % 7}` }, requestParameters: { bucketName: 'orders', key: `k/${index}` } });
  const line = JSON.stringify({ Records: Array.from({ length: 24_000 }, (_, index) => record(index)) });
  assert.ok(line.length > 4 * 1024 * 1024);
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'planewise-cloudtrail-big-'));
  try {
    const delivered = path.join(folder, '111122223333_CloudTrail_us-east-1_20250101T0000Z_abc.json.gz');
    const renamed = path.join(folder, 'export.json.gz');
    for (const file of [delivered, renamed]) fs.writeFileSync(file, zlib.gzipSync(line));
    const whole = await analyzeTraces(await resolveTraceInputs([delivered], folder));
    assert.equal(whole.summary.result().decisions, 24_000);
    const capped = await analyzeTraces(await resolveTraceInputs([renamed], folder));
    assert.equal(capped.summary.result().decisions, 0);
    assert.match(capped.issues[0]!.reason, /over the limit of 4194304/);
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
});
