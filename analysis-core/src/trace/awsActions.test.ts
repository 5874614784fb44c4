import assert from 'node:assert/strict';
import { test } from 'node:test';
import { iamAction, iamPrefix } from './awsActions';

test('CloudWatch is served from monitoring.amazonaws.com; CloudWatch Logs keeps logs', () => {
  assert.equal(iamAction('monitoring.amazonaws.com', 'PutMetricData'), 'cloudwatch:PutMetricData');
  assert.equal(iamAction('logs.amazonaws.com', 'PutLogEvents'), 'logs:PutLogEvents');
});

test('the RDS Data API logs as rdsdataapi.amazonaws.com; IAM calls it rds-data', () => {
  assert.equal(iamAction('rdsdataapi.amazonaws.com', 'ExecuteStatement'), 'rds-data:ExecuteStatement');
});

test('API Gateway management calls are authorized by HTTP method', () => {
  assert.equal(iamAction('apigateway.amazonaws.com', 'CreateRestApi'), 'apigateway:POST');
  assert.equal(iamAction('apigateway.amazonaws.com', 'GetRestApis'), 'apigateway:GET');
  assert.equal(iamAction('apigateway.amazonaws.com', 'UpdateStage'), 'apigateway:PATCH');
  assert.equal(iamAction('apigateway.amazonaws.com', 'DeleteDeployment'), 'apigateway:DELETE');
  assert.equal(iamAction('apigateway.amazonaws.com', 'PutIntegration'), 'apigateway:PUT');
  assert.equal(iamAction('apigateway.amazonaws.com', 'TagResource'), 'apigateway:PUT');
  assert.equal(iamAction('apigateway.amazonaws.com', 'ImportRestApi'), 'apigateway:POST');
});

test('endpoints with a second label: DynamoDB Streams, Lex models and runtime', () => {
  assert.equal(iamAction('streams.dynamodb.amazonaws.com', 'GetRecords'), 'dynamodb:GetRecords');
  assert.equal(iamAction('models.lex.amazonaws.com', 'PutBot'), 'lex:PutBot');
  assert.equal(iamAction('runtime.lex.amazonaws.com', 'PostText'), 'lex:PostText');
});

test('other renamed services: tagging, Marketplace metering, AppConfig data, SES', () => {
  assert.equal(iamAction('tagging.amazonaws.com', 'GetResources'), 'tag:GetResources');
  assert.equal(iamAction('metering-marketplace.amazonaws.com', 'MeterUsage'), 'aws-marketplace:MeterUsage');
  assert.equal(iamAction('appconfigdata.amazonaws.com', 'GetLatestConfiguration'), 'appconfig:GetLatestConfiguration');
  assert.equal(iamAction('email.amazonaws.com', 'SendRawEmail'), 'ses:SendRawEmail');
});

test('the common services are their eventSource name, China endpoints included', () => {
  const same = ['s3', 'dynamodb', 'sqs', 'sns', 'kms', 'lambda', 'iam', 'sts', 'ec2', 'ecr', 'ecs', 'eks', 'logs', 'events', 'states', 'secretsmanager', 'ssm', 'kinesis', 'firehose', 'rds', 'elasticloadbalancing', 'autoscaling', 'cloudformation', 'route53', 'acm', 'glue', 'athena', 'cognito-idp', 'organizations', 'sso'];
  for (const name of same) {
    assert.equal(iamPrefix(`${name}.amazonaws.com`), name);
    assert.equal(iamPrefix(`${name}.amazonaws.com.cn`), name);
  }
  assert.equal(iamAction('events.amazonaws.com', 'PutEvents'), 'events:PutEvents');
  assert.equal(iamAction('states.amazonaws.com', 'StartExecution'), 'states:StartExecution');
});
