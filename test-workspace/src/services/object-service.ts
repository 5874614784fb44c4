import type { BucketStore, ObjectSummary, StoredObject } from '../storage/buckets';
import { activeTelemetry } from '../telemetry/emitter';
import { withSpan } from '../telemetry/tracer';

/** Simulated storage latency: a fixed cost per call plus transfer time. */
function transferMs(bytes: number): number {
  return 2 + Math.ceil(bytes / 4096);
}

export class ObjectService {
  constructor(private readonly store: BucketStore) {}

  createBucket(bucket: string): Promise<void> {
    return withSpan('depot-storage', 'bucket.create', () => {
      activeTelemetry().clock.advance(5);
      this.store.createBucket(bucket);
    }, { bucket });
  }

  putObject(bucket: string, key: string, body: Buffer, contentType: string): Promise<StoredObject> {
    return withSpan('depot-storage', 'object.write', () => {
      const { clock } = activeTelemetry();
      clock.advance(transferMs(body.length));
      return this.store.put(bucket, key, body, contentType, clock.now());
    }, { bucket, key, 'object.size': body.length });
  }

  getObject(bucket: string, key: string): Promise<StoredObject> {
    return withSpan('depot-storage', 'object.read', (span) => {
      const object = this.store.get(bucket, key);
      activeTelemetry().clock.advance(transferMs(object.body.length));
      span.setAttribute('object.size', object.body.length);
      return object;
    }, { bucket, key });
  }

  deleteObject(bucket: string, key: string): Promise<boolean> {
    return withSpan('depot-storage', 'object.delete', () => {
      activeTelemetry().clock.advance(2);
      return this.store.delete(bucket, key);
    }, { bucket, key });
  }

  listObjects(bucket: string, prefix: string): Promise<ObjectSummary[]> {
    return withSpan('depot-storage', 'object.list', (span) => {
      const objects = this.store.list(bucket, prefix);
      activeTelemetry().clock.advance(1 + objects.length);
      span.setAttribute('result.count', objects.length);
      return objects;
    }, { bucket, prefix });
  }
}
