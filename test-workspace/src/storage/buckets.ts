import { createHash } from 'node:crypto';
import { StorageError } from './errors';

export interface StoredObject {
  key: string;
  body: Buffer;
  contentType: string;
  etag: string;
  lastModified: number;
}

export interface ObjectSummary {
  key: string;
  size: number;
  etag: string;
  lastModified: number;
}

const MAX_OBJECT_BYTES = 1024 * 1024;
const BUCKET_NAME = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

/** In-memory buckets of objects, keyed like S3: any UTF-8 key, listed in key order. */
export class BucketStore {
  private readonly buckets = new Map<string, Map<string, StoredObject>>();

  createBucket(name: string): void {
    if (!BUCKET_NAME.test(name)) throw new StorageError(400, 'InvalidBucketName', `invalid bucket name "${name}"`);
    if (this.buckets.has(name)) throw new StorageError(409, 'BucketAlreadyExists', `bucket "${name}" already exists`);
    this.buckets.set(name, new Map());
  }

  hasBucket(name: string): boolean {
    return this.buckets.has(name);
  }

  put(bucket: string, key: string, body: Buffer, contentType: string, now: number): StoredObject {
    if (body.length > MAX_OBJECT_BYTES) throw new StorageError(413, 'EntityTooLarge', `object is ${body.length} bytes; the limit is ${MAX_OBJECT_BYTES}`);
    const object: StoredObject = {
      key,
      body,
      contentType,
      etag: createHash('md5').update(body).digest('hex'),
      lastModified: now,
    };
    this.objects(bucket).set(key, object);
    return object;
  }

  get(bucket: string, key: string): StoredObject {
    const object = this.objects(bucket).get(key);
    if (!object) throw new StorageError(404, 'NoSuchKey', `no object "${key}" in bucket "${bucket}"`);
    return object;
  }

  delete(bucket: string, key: string): boolean {
    return this.objects(bucket).delete(key);
  }

  list(bucket: string, prefix = ''): ObjectSummary[] {
    return [...this.objects(bucket).values()]
      .filter((object) => object.key.startsWith(prefix))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map(({ key, body, etag, lastModified }) => ({ key, size: body.length, etag, lastModified }));
  }

  private objects(bucket: string): Map<string, StoredObject> {
    const objects = this.buckets.get(bucket);
    if (!objects) throw new StorageError(404, 'NoSuchBucket', `no bucket "${bucket}"`);
    return objects;
  }
}
