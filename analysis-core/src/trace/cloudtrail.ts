/**
 * Import of AWS CloudTrail logs: every API call record becomes one `authz`
 * event (who called which IAM action on what, allowed or denied). A line may
 * hold an S3 delivery file (`{"Records":[...]}`), a bare array of records,
 * `aws cloudtrail lookup-events` output (`{"Events":[{"CloudTrailEvent":"..."}]}`),
 * one entry of its `Events` (the records of an indented document are read one
 * by one), one record (CloudTrail Lake, JSON Lines) or an EventBridge event
 * carrying the record in `detail`. The mapping is in docs/trace-format.md.
 */
import { iamAction } from './awsActions';
import type { ImportedLine } from './importedLine';
import type { AuthzEvent } from './schema';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string | undefined => (typeof value === 'string' && value.length > 0 ? value : undefined);

/** The resource of a record whose service left it unnamed: see docs/trace-format.md for how a policy shows it. */
export const UNKNOWN_RESOURCE = '*';

/** A CloudTrail record: an API call, or an Insight record (which has no eventSource). */
export function isCloudTrailRecord(value: unknown): value is Json {
  return isObject(value) && typeof value.eventTime === 'string' && (typeof value.eventSource === 'string' || typeof value.eventVersion === 'string');
}

/** The record an EventBridge event (`"detail-type": "AWS API Call via CloudTrail"`) carries, if it is one. */
function eventBridgeDetail(value: Json): Json | undefined {
  return typeof value['detail-type'] === 'string' && isCloudTrailRecord(value.detail) ? value.detail : undefined;
}

/** One entry of `lookup-events` output: the record is the JSON text in `CloudTrailEvent`. */
const isLookupEntry = (value: unknown): value is Json => isObject(value) && typeof value.CloudTrailEvent === 'string';

function isLookupEvents(value: Json): value is { Events: unknown[] } {
  return Array.isArray(value.Events) && value.Events.some(isLookupEntry);
}

/** True when a parsed line is CloudTrail in any of the shapes this module reads. */
export function isCloudTrailLine(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(isCloudTrailRecord);
  if (!isObject(value)) return false;
  return Array.isArray(value.Records) || isLookupEvents(value) || isLookupEntry(value) || isCloudTrailRecord(value) || eventBridgeDetail(value) !== undefined;
}

/**
 * The principal a policy is written for: the role behind an assumed-role
 * session (the session name is dropped), the IAM user behind a federated
 * user, else the caller's ARN; for callers without one, the AWS service that
 * acted, the calling account, or the identity type.
 */
export function principalOf(record: Json): string | undefined {
  const identity = isObject(record.userIdentity) ? record.userIdentity : {};
  const issuer = isObject(identity.sessionContext) && isObject(identity.sessionContext.sessionIssuer) ? identity.sessionContext.sessionIssuer : {};
  if ((identity.type === 'AssumedRole' || identity.type === 'FederatedUser') && text(issuer.arn) !== undefined) return text(issuer.arn);
  const account = text(identity.accountId);
  return (
    text(identity.arn) ??
    text(identity.invokedBy) ??
    text(record.invokedBy) ??
    (account === 'anonymous' ? 'anonymous' : undefined) ??
    (identity.type === 'AWSAccount' && account !== undefined ? `arn:aws:iam::${account}:root` : undefined) ??
    text(identity.identityProvider) ??
    text(identity.type)
  );
}

function accountOf(record: Json): string {
  const identity = isObject(record.userIdentity) ? record.userIdentity : {};
  return text(record.recipientAccountId) ?? text(identity.accountId) ?? '';
}

/** `https://sqs.us-east-1.amazonaws.com/123456789012/orders` -> `arn:aws:sqs:us-east-1:123456789012:orders`. */
function sqsQueueArn(queueUrl: string, region: string): string | undefined {
  const match = /^https?:\/\/(?:sqs\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?|([a-z0-9-]+)\.queue\.amazonaws\.com|queue\.amazonaws\.com)\/(\d{12})\/([^/?#]+)/.exec(queueUrl);
  if (match === null) return undefined;
  return `arn:aws:sqs:${match[1] ?? match[2] ?? region}:${match[3]}:${match[4]}`;
}

/** A KMS key id, alias or ARN -> an ARN. */
function kmsKeyArn(keyId: string, region: string, account: string): string {
  if (keyId.startsWith('arn:')) return keyId;
  return keyId.startsWith('alias/') ? `arn:aws:kms:${region}:${account}:${keyId}` : `arn:aws:kms:${region}:${account}:key/${keyId}`;
}

/** The resource acted on: the first `resources[]` entry with an ARN, else one built from the request, else unknown. */
export function resourceOf(record: Json, prefix: string): string {
  if (Array.isArray(record.resources)) {
    for (const entry of record.resources) {
      const arn = isObject(entry) ? (text(entry.ARN) ?? text(entry.arn)) : undefined;
      if (arn !== undefined) return arn;
    }
  }
  const request = isObject(record.requestParameters) ? record.requestParameters : {};
  const region = text(record.awsRegion) ?? '';
  const account = accountOf(record);
  const bucket = text(request.bucketName);
  if (prefix === 's3' && bucket !== undefined) {
    const key = text(request.key);
    return key === undefined ? `arn:aws:s3:::${bucket}` : `arn:aws:s3:::${bucket}/${key}`;
  }
  const table = text(request.tableName);
  if (prefix === 'dynamodb' && table !== undefined) return table.startsWith('arn:') ? table : `arn:aws:dynamodb:${region}:${account}:table/${table}`;
  const queueUrl = text(request.queueUrl);
  if (prefix === 'sqs' && queueUrl !== undefined) return sqsQueueArn(queueUrl, region) ?? queueUrl;
  const keyId = text(request.keyId);
  if (prefix === 'kms' && keyId !== undefined) return kmsKeyArn(keyId, region, account);
  const roleArn = text(request.roleArn);
  if (prefix === 'sts' && roleArn !== undefined) return roleArn;
  return UNKNOWN_RESOURCE;
}

/** AccessDenied, AccessDeniedException, Client.UnauthorizedOperation and the like are denials; any other error came after an allow. */
export function isDenied(errorCode: unknown): boolean {
  return typeof errorCode === 'string' && (errorCode.includes('AccessDenied') || errorCode.endsWith('UnauthorizedOperation'));
}

/** Insight records and console sign-ins are not authorization decisions: skipped, counted (docs/trace-format.md). */
function isNotADecision(record: Json): boolean {
  return record.eventType === 'AwsCloudTrailInsight' || record.eventCategory === 'Insight' || 'insightDetails' in record || record.eventType === 'AwsConsoleSignIn';
}

/** One record -> one decision in `result`, or a problem naming it by `where`, or a skip. */
function recordToEvent(record: Json, where: string, result: ImportedLine): void {
  if (isNotADecision(record)) {
    result.skipped += 1;
    return;
  }
  const eventSource = text(record.eventSource);
  const eventName = text(record.eventName);
  const ts = typeof record.eventTime === 'string' ? Date.parse(record.eventTime) : Number.NaN;
  const principal = principalOf(record);
  if (eventSource === undefined || eventName === undefined || principal === undefined || !(ts >= 0)) {
    const missing: string[] = [];
    if (eventSource === undefined) missing.push('eventSource');
    if (eventName === undefined) missing.push('eventName');
    if (principal === undefined) missing.push('userIdentity');
    if (!(ts >= 0)) missing.push('eventTime');
    result.problems.push(`${where}: no usable ${missing.join(', ')}; skipped`);
    return;
  }
  const action = iamAction(eventSource, eventName);
  const event: AuthzEvent = {
    kind: 'authz',
    ts,
    service: eventSource,
    principal,
    action,
    resource: resourceOf(record, action.slice(0, action.indexOf(':'))),
    decision: isDenied(record.errorCode) ? 'deny' : 'allow',
  };
  if (event.decision === 'deny') {
    event.denyReason = typeof record.errorMessage === 'string' && record.errorMessage.includes('with an explicit deny') ? 'explicit' : 'implicit';
  }
  result.events.push(event);
}

/** The records in a line, each with the words that name it in a problem. */
function recordsOf(value: unknown, result: ImportedLine): { record: unknown; where: string }[] {
  if (Array.isArray(value)) return value.map((record, index) => ({ record, where: `record ${index + 1}` }));
  if (!isObject(value)) return [];
  if (Array.isArray(value.Records)) return value.Records.map((record, index) => ({ record, where: `record ${index + 1}` }));
  const entries = Array.isArray(value.Events) ? value.Events : isLookupEntry(value) ? [value] : undefined;
  if (entries !== undefined) {
    return entries.flatMap((entry, index) => {
      const where = entries.length === 1 && entries[0] === value ? 'event' : `event ${index + 1}`;
      const embedded = isObject(entry) ? entry.CloudTrailEvent : undefined;
      if (typeof embedded !== 'string') {
        result.problems.push(`${where}: no CloudTrailEvent; skipped`);
        return [];
      }
      try {
        return [{ record: JSON.parse(embedded) as unknown, where }];
      } catch (error) {
        result.problems.push(`${where}: CloudTrailEvent is not JSON (${(error as Error).message}); skipped`);
        return [];
      }
    });
  }
  return [{ record: eventBridgeDetail(value) ?? value, where: 'record' }];
}

/** Converts one line of CloudTrail; never throws. */
export function cloudTrailLineToEvents(value: unknown): ImportedLine {
  const result: ImportedLine = { events: [], problems: [], skipped: 0 };
  for (const { record, where } of recordsOf(value, result)) {
    if (isCloudTrailRecord(record)) recordToEvent(record, where, result);
    else result.problems.push(`${where}: not a CloudTrail record (needs eventTime and eventSource); skipped`);
  }
  return result;
}
