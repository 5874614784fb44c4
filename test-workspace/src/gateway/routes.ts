import { getCatalog } from '../handlers/catalog';
import { createBucket, deleteObject, getObject, headObject, listObjects, putObject } from '../handlers/objects';
import { createQueue, deleteMessage, receiveMessages, sendMessage } from '../handlers/queues';
import type { Route } from './router';

const bucket = (params: Record<string, string>) => `storage:bucket/${params.bucket}`;
const object = (params: Record<string, string>) => `storage:bucket/${params.bucket}/${params.key}`;
const queue = (params: Record<string, string>) => `queue:${params.queue}`;

/** The API surface: every route names the IAM action and resource it is authorized against. */
export const ROUTES: readonly Route[] = [
  { id: 'CreateBucket', method: 'POST', path: '/buckets/:bucket', action: 'storage:CreateBucket', resource: bucket, handler: createBucket },
  { id: 'ListObjects', method: 'GET', path: '/buckets/:bucket/objects', action: 'storage:ListObjects', resource: bucket, handler: listObjects },
  { id: 'PutObject', method: 'PUT', path: '/buckets/:bucket/objects/:key', action: 'storage:PutObject', resource: object, handler: putObject },
  { id: 'GetObject', method: 'GET', path: '/buckets/:bucket/objects/:key', action: 'storage:GetObject', resource: object, handler: getObject },
  { id: 'HeadObject', method: 'HEAD', path: '/buckets/:bucket/objects/:key', action: 'storage:HeadObject', resource: object, handler: headObject },
  { id: 'DeleteObject', method: 'DELETE', path: '/buckets/:bucket/objects/:key', action: 'storage:DeleteObject', resource: object, handler: deleteObject },
  { id: 'CreateQueue', method: 'POST', path: '/queues/:queue', action: 'queue:CreateQueue', resource: queue, handler: createQueue },
  { id: 'SendMessage', method: 'POST', path: '/queues/:queue/messages', action: 'queue:SendMessage', resource: queue, handler: sendMessage },
  { id: 'ReceiveMessage', method: 'GET', path: '/queues/:queue/messages', action: 'queue:ReceiveMessage', resource: queue, handler: receiveMessages },
  { id: 'DeleteMessage', method: 'DELETE', path: '/queues/:queue/messages/:receipt', action: 'queue:DeleteMessage', resource: queue, handler: deleteMessage },
  { id: 'ListCatalog', method: 'GET', path: '/catalog', action: 'catalog:ListItems', resource: () => 'catalog:items', handler: getCatalog },
];
