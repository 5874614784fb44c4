/**
 * The trace worker thread. The extension host starts one per open trace
 * viewer and one per trace command, so reading and aggregating never run on
 * the extension host's event loop. Cancelling a command terminates its worker.
 */
import { parentPort } from 'node:worker_threads';
import { runJob } from './jobs';
import { TraceSession, describe } from './traceSession';
import type { HostToWorker, WorkerToHost } from './workerProtocol';

const port = parentPort;
if (!port) throw new Error('trace-editor-worker.js runs only as a worker thread');

const send = (message: WorkerToHost): void => port.postMessage(message);
let session: TraceSession | undefined;

function requireSession(): TraceSession {
  if (!session) throw new Error('no trace is open in this worker');
  return session;
}

async function handle(message: HostToWorker): Promise<void> {
  switch (message.type) {
    case 'open':
      session = new TraceSession(message.options, send);
      await session.read();
      return;
    case 'update':
      await requireSession().read();
      return;
    case 'reload':
      await requireSession().reload();
      return;
    case 'cancel':
      requireSession().cancel();
      return;
    case 'rows':
      send({ type: 'rows', page: await requireSession().rows(message.requestId, message.start, message.count, message.filter, message.sort) });
      return;
    case 'policyOptions':
      requireSession().setPolicyOptions(message.options);
      return;
    case 'policyJson':
      try {
        const { text, notes } = requireSession().policyText(message.principal, message.format);
        send({ type: 'policyJson', requestId: message.requestId, json: text, ...(notes.length > 0 ? { notes } : {}) });
      } catch (error) {
        send({ type: 'policyJson', requestId: message.requestId, error: describe(error) });
      }
      return;
    case 'principalPolicy':
      try {
        send({ type: 'principalPolicy', detail: requireSession().principalPolicyView(message.principal) });
      } catch (error) {
        send({ type: 'principalPolicy', error: describe(error) });
      }
      return;
    case 'job':
      try {
        const result = await runJob(message.job, message.options, (done, total, files) => send({ type: 'jobProgress', done, total, files }));
        send({ type: 'jobDone', result });
      } catch (error) {
        send({ type: 'jobFailed', message: describe(error) });
      }
      return;
  }
}

port.on('message', (message: HostToWorker) => {
  handle(message).catch((error: unknown) => {
    send({ type: 'progress', progress: { phase: 'error', bytesRead: 0, totalBytes: 0, live: false, message: describe(error) } });
  });
});
