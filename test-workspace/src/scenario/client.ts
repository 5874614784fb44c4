import { request } from 'node:http';

export interface Response {
  status: number;
  body: string;
}

/** A minimal HTTP client for driving the service in-process, one request at a time. */
export class DepotClient {
  constructor(private readonly port: number) {}

  as(apiKey: string | undefined): PrincipalClient {
    return new PrincipalClient(this.port, apiKey);
  }
}

export class PrincipalClient {
  constructor(
    private readonly port: number,
    private readonly apiKey: string | undefined,
  ) {}

  send(method: string, path: string, body?: string | Buffer, contentType = 'application/octet-stream'): Promise<Response> {
    const headers: Record<string, string | number> = { 'user-agent': 'depot-scenario/1.0' };
    if (this.apiKey) headers.authorization = `Bearer ${this.apiKey}`;
    if (body !== undefined) {
      headers['content-type'] = contentType;
      headers['content-length'] = Buffer.byteLength(body);
    }
    return new Promise((resolve, reject) => {
      const outgoing = request({ host: '127.0.0.1', port: this.port, method, path, headers }, (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        incoming.on('error', reject);
      });
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }

  putObject(bucket: string, key: string, body: string | Buffer, contentType = 'text/csv'): Promise<Response> {
    return this.send('PUT', `/buckets/${bucket}/objects/${encodeURIComponent(key)}`, body, contentType);
  }

  getObject(bucket: string, key: string): Promise<Response> {
    return this.send('GET', `/buckets/${bucket}/objects/${encodeURIComponent(key)}`);
  }

  headObject(bucket: string, key: string): Promise<Response> {
    return this.send('HEAD', `/buckets/${bucket}/objects/${encodeURIComponent(key)}`);
  }

  deleteObject(bucket: string, key: string): Promise<Response> {
    return this.send('DELETE', `/buckets/${bucket}/objects/${encodeURIComponent(key)}`);
  }

  listObjects(bucket: string, prefix = ''): Promise<Response> {
    return this.send('GET', `/buckets/${bucket}/objects${prefix ? `?prefix=${encodeURIComponent(prefix)}` : ''}`);
  }

  sendMessage(queue: string, body: string): Promise<Response> {
    return this.send('POST', `/queues/${queue}/messages`, JSON.stringify({ body }), 'application/json');
  }

  async receiveMessages(queue: string, max: number): Promise<Array<{ id: string; receiptHandle: string; body: string }>> {
    const response = await this.send('GET', `/queues/${queue}/messages?max=${max}`);
    if (response.status !== 200) throw new Error(`receive from ${queue} answered ${response.status}: ${response.body}`);
    return (JSON.parse(response.body) as { messages: Array<{ id: string; receiptHandle: string; body: string }> }).messages;
  }

  deleteMessage(queue: string, receiptHandle: string): Promise<Response> {
    return this.send('DELETE', `/queues/${queue}/messages/${encodeURIComponent(receiptHandle)}`);
  }
}
