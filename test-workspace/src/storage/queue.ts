import { StorageError } from './errors';

export interface QueueMessage {
  id: string;
  body: string;
  receiveCount: number;
  receiptHandle?: string;
}

interface StoredMessage extends QueueMessage {
  invisibleUntil: number;
}

/**
 * In-memory queues with SQS-style visibility timeouts: a received message is
 * hidden until it is deleted with its receipt handle or the timeout passes.
 */
export class QueueStore {
  private readonly queues = new Map<string, StoredMessage[]>();
  private sequence = 0;

  createQueue(name: string): void {
    if (this.queues.has(name)) throw new StorageError(409, 'QueueAlreadyExists', `queue "${name}" already exists`);
    this.queues.set(name, []);
  }

  send(queue: string, body: string): string {
    const id = `msg-${String(++this.sequence).padStart(6, '0')}`;
    this.messages(queue).push({ id, body, receiveCount: 0, invisibleUntil: 0 });
    return id;
  }

  receive(queue: string, max: number, visibilityMs: number, now: number): QueueMessage[] {
    const received: QueueMessage[] = [];
    for (const message of this.messages(queue)) {
      if (received.length >= max) break;
      if (message.invisibleUntil > now) continue;
      message.receiveCount += 1;
      message.invisibleUntil = now + visibilityMs;
      message.receiptHandle = `${message.id}.${message.receiveCount}`;
      received.push({ id: message.id, body: message.body, receiveCount: message.receiveCount, receiptHandle: message.receiptHandle });
    }
    return received;
  }

  delete(queue: string, receiptHandle: string): void {
    const messages = this.messages(queue);
    const index = messages.findIndex((message) => message.receiptHandle === receiptHandle);
    if (index === -1) throw new StorageError(400, 'ReceiptHandleIsInvalid', `unknown receipt handle "${receiptHandle}"`);
    messages.splice(index, 1);
  }

  depth(queue: string): number {
    return this.messages(queue).length;
  }

  private messages(queue: string): StoredMessage[] {
    const messages = this.queues.get(queue);
    if (!messages) throw new StorageError(404, 'NonExistentQueue', `no queue "${queue}"`);
    return messages;
  }
}
