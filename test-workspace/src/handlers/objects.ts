import { refreshUsageReport } from '../shared/usage-report';
import { HttpError, readBody, type RequestContext, type Reply } from './http';

export async function putObject({ request, params, services, config }: RequestContext): Promise<Reply> {
  const body = await readBody(request);
  const contentType = request.headers['content-type'] ?? 'application/octet-stream';
  const object = await services.objects.putObject(params.bucket, params.key, body, contentType);
  if (config.enableAnalysis) {
    refreshUsageReport(config.tracePath, params.bucket);
  }
  return { status: 200, headers: { etag: `"${object.etag}"` }, body: { key: object.key, etag: object.etag, size: body.length } };
}

export async function getObject({ params, services }: RequestContext): Promise<Reply> {
  const object = await services.objects.getObject(params.bucket, params.key);
  return { status: 200, raw: object.body, contentType: object.contentType, headers: { etag: `"${object.etag}"` } };
}

export async function headObject({ params, services }: RequestContext): Promise<Reply> {
  const object = await services.objects.getObject(params.bucket, params.key);
  return {
    status: 200,
    headers: { etag: `"${object.etag}"`, 'content-length': String(object.body.length), 'last-modified': new Date(object.lastModified).toUTCString() },
  };
}

export async function deleteObject({ params, services }: RequestContext): Promise<Reply> {
  const existed = await services.objects.deleteObject(params.bucket, params.key);
  if (!existed) throw new HttpError(404, 'NoSuchKey', `no object "${params.key}" in bucket "${params.bucket}"`);
  return { status: 204 };
}

export async function listObjects({ params, query, services }: RequestContext): Promise<Reply> {
  const objects = await services.objects.listObjects(params.bucket, query.get('prefix') ?? '');
  return { status: 200, body: { bucket: params.bucket, objects } };
}

export async function createBucket({ params, services }: RequestContext): Promise<Reply> {
  await services.objects.createBucket(params.bucket);
  return { status: 201, body: { bucket: params.bucket } };
}
