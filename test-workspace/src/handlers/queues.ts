import { HttpError, readJson, type RequestContext, type Reply } from './http';

export async function createQueue({ params, services }: RequestContext): Promise<Reply> {
  await services.queues.createQueue(params.queue);
  return { status: 201, body: { queue: params.queue } };
}

export async function sendMessage({ request, params, services }: RequestContext): Promise<Reply> {
  const { body } = await readJson(request);
  if (typeof body !== 'string' || body === '') throw new HttpError(400, 'InvalidMessage', '"body" must be a non-empty string');
  const id = await services.queues.sendMessage(params.queue, body);
  return { status: 201, body: { id } };
}

export async function receiveMessages({ params, query, services }: RequestContext): Promise<Reply> {
  const max = Number(query.get('max') ?? 1);
  if (!Number.isInteger(max) || max < 1) throw new HttpError(400, 'InvalidParameter', '"max" must be a positive integer');
  const messages = await services.queues.receiveMessages(params.queue, max);
  return { status: 200, body: { messages } };
}

export async function deleteMessage({ params, services }: RequestContext): Promise<Reply> {
  await services.queues.deleteMessage(params.queue, params.receipt);
  return { status: 204 };
}
