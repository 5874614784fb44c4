/**
 * CloudTrail names -> IAM action names. A CloudTrail record names the API
 * (`eventName`) and the endpoint that served it (`eventSource`); a policy
 * needs the IAM action, which is usually `<endpoint prefix>:<eventName>` but
 * not always. The exceptions are listed here and in docs/trace-format.md.
 */

/**
 * Endpoint prefixes (eventSource without `.amazonaws.com`) whose IAM service
 * prefix differs. Every other service is its eventSource's name, checked for
 * s3, dynamodb, sqs, sns, kms, lambda, iam, sts, ec2, ecr, ecs, eks, logs,
 * events, states, secretsmanager, ssm, kinesis, firehose, rds,
 * elasticloadbalancing, autoscaling, cloudformation, apigateway, route53, acm,
 * glue, athena, cognito-idp, organizations and sso (docs/trace-format.md).
 */
export const IAM_PREFIX_BY_EVENT_SOURCE: Readonly<Record<string, string>> = {
  monitoring: 'cloudwatch',
  rdsdataapi: 'rds-data',
  email: 'ses',
  tagging: 'tag',
  'streams.dynamodb': 'dynamodb',
  'models.lex': 'lex',
  'runtime.lex': 'lex',
  'metering-marketplace': 'aws-marketplace',
  appconfigdata: 'appconfig',
};

/** Event names that are not the IAM action that authorizes the call, per IAM prefix. */
export const IAM_ACTION_BY_EVENT_NAME: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  s3: {
    ListObjects: 'ListBucket',
    ListObjectsV2: 'ListBucket',
    HeadBucket: 'ListBucket',
    ListObjectVersions: 'ListBucketVersions',
    ListBuckets: 'ListAllMyBuckets',
    HeadObject: 'GetObject',
    SelectObjectContent: 'GetObject',
    CopyObject: 'PutObject',
    CreateMultipartUpload: 'PutObject',
    UploadPart: 'PutObject',
    UploadPartCopy: 'PutObject',
    CompleteMultipartUpload: 'PutObject',
    DeleteObjects: 'DeleteObject',
    GetBucketCors: 'GetBucketCORS',
    PutBucketCors: 'PutBucketCORS',
    DeleteBucketCors: 'PutBucketCORS',
    GetBucketEncryption: 'GetEncryptionConfiguration',
    PutBucketEncryption: 'PutEncryptionConfiguration',
    DeleteBucketEncryption: 'PutEncryptionConfiguration',
    GetBucketLifecycle: 'GetLifecycleConfiguration',
    GetBucketLifecycleConfiguration: 'GetLifecycleConfiguration',
    PutBucketLifecycle: 'PutLifecycleConfiguration',
    PutBucketLifecycleConfiguration: 'PutLifecycleConfiguration',
    DeleteBucketLifecycle: 'PutLifecycleConfiguration',
    GetBucketReplication: 'GetReplicationConfiguration',
    PutBucketReplication: 'PutReplicationConfiguration',
    DeleteBucketReplication: 'PutReplicationConfiguration',
    GetBucketNotificationConfiguration: 'GetBucketNotification',
    PutBucketNotificationConfiguration: 'PutBucketNotification',
  },
  lambda: {
    Invoke: 'InvokeFunction',
  },
};

/**
 * API Gateway's management API is REST: IAM authorizes it by HTTP method
 * (`apigateway:POST` on `/restapis`), and CloudTrail names the operation
 * (`CreateRestApi`). The method follows from the operation's verb.
 */
const API_GATEWAY_METHOD_BY_VERB: readonly (readonly [RegExp, string])[] = [
  [/^Get/, 'GET'],
  [/^(Create|Import|Generate|Test)/, 'POST'],
  [/^Update/, 'PATCH'],
  [/^(Delete|Flush|Untag)/, 'DELETE'],
  [/^(Put|Tag)/, 'PUT'],
];

function apiGatewayMethod(eventName: string): string {
  return API_GATEWAY_METHOD_BY_VERB.find(([verb]) => verb.test(eventName))?.[1] ?? eventName;
}

/** Lambda's management events carry the API version: `UpdateFunctionCode20150331v2`. */
const LAMBDA_API_VERSION = /^([A-Za-z]+?)\d{8}(v\d+)?$/;

/** `s3.amazonaws.com` -> `s3`; `monitoring.amazonaws.com` -> `cloudwatch`. */
export function iamPrefix(eventSource: string): string {
  const endpoint = eventSource.replace(/\.amazonaws\.com(\.cn)?$/, '');
  return Object.hasOwn(IAM_PREFIX_BY_EVENT_SOURCE, endpoint) ? IAM_PREFIX_BY_EVENT_SOURCE[endpoint]! : endpoint;
}

/** The IAM action for one CloudTrail event: `s3.amazonaws.com` + `ListObjects` -> `s3:ListBucket`. */
export function iamAction(eventSource: string, eventName: string): string {
  const prefix = iamPrefix(eventSource);
  if (prefix === 'apigateway') return `apigateway:${apiGatewayMethod(eventName)}`;
  const name = prefix === 'lambda' ? eventName.replace(LAMBDA_API_VERSION, '$1') : eventName;
  const renames = Object.hasOwn(IAM_ACTION_BY_EVENT_NAME, prefix) ? IAM_ACTION_BY_EVENT_NAME[prefix]! : {};
  return `${prefix}:${Object.hasOwn(renames, name) ? renames[name] : name}`;
}
