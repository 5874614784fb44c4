import type { QueueMessage, QueueStore } from '../storage/queue';
import { activeTelemetry } from '../telemetry/emitter';
import { withSpan } from '../telemetry/tracer';

const VISIBILITY_TIMEOUT_MS = 30_000;
const MAX_MESSAGES_PER_RECEIVE = 10;

export class QueueService {
  constructor(private readonly store: QueueStore) {}

  createQueue(queue: string): Promise<void> {
    return withSpan('depot-queue', 'queue.create', () => {
      activeTelemetry().clock.advance(4);
      this.store.createQueue(queue);
    }, { queue });
  }

  sendMessage(queue: string, body: string): Promise<string> {
    return withSpan('depot-queue', 'message.send', (span) => {
      activeTelemetry().clock.advance(3);
      const id = this.store.send(queue, body);
      span.setAttribute('queue.depth', this.store.depth(queue));
      return id;
    }, { queue, 'message.size': Buffer.byteLength(body) });
  }

  receiveMessages(queue: string, max: number): Promise<QueueMessage[]> {
    return withSpan('depot-queue', 'message.receive', (span) => {
      const { clock } = activeTelemetry();
      clock.advance(6);
      const messages = this.store.receive(queue, Math.min(max, MAX_MESSAGES_PER_RECEIVE), VISIBILITY_TIMEOUT_MS, clock.now());
      span.setAttribute('result.count', messages.length);
      return messages;
    }, { queue });
  }

  deleteMessage(queue: string, receiptHandle: string): Promise<void> {
    return withSpan('depot-queue', 'message.delete', () => {
      activeTelemetry().clock.advance(2);
      this.store.delete(queue, receiptHandle);
    }, { queue });
  }
}
