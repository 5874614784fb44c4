import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { before, describe, test } from 'node:test';
import { buildServer, serverBundle } from './harness';

/** Only a guard against hanging forever; no test asserts on how long anything takes. */
const HANG_GUARD_MS = 20_000;

function frame(message: unknown): string {
  const body = JSON.stringify(message);
  return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

const initialize = frame({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } });

interface Outcome {
  /** Set when the server answered initialize. */
  answered: boolean;
  /** Set when the server exited (it is killed after answering). */
  exitCode: number | null;
  stderr: string;
}

/** Sends raw bytes then a valid initialize over stdio; ends when the server answers or exits. */
function send(raw: string): Promise<Outcome> {
  const child = spawn(process.execPath, [serverBundle, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  return new Promise((resolve, reject) => {
    const guard = setTimeout(() => {
      child.kill();
      reject(new Error(`the server neither answered nor exited; stderr: ${stderr}`));
    }, HANG_GUARD_MS);
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (/"id":1,"result"/.test(stdout)) {
        clearTimeout(guard);
        child.kill();
        resolve({ answered: true, exitCode: null, stderr });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(guard);
      resolve({ answered: /"id":1,"result"/.test(stdout), exitCode: code, stderr });
    });
    // Written separately: the valid frame follows the bad one as a client would send it.
    child.stdin.write(raw, () => child.stdin.write(initialize));
    child.stdin.on('error', () => {}); // the server may be gone before the second write
  });
}

describe('the language server never goes silent on a malformed frame', () => {
  before(buildServer);

  test('a frame without Content-Length: the server logs why and exits non-zero, so the client restarts it', async () => {
    const outcome = await send('Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{"jsonrpc":"2.0","id":9,"method":"x"}');
    assert.equal(outcome.answered, false);
    assert.equal(outcome.exitCode, 1);
    assert.match(outcome.stderr, /cannot read the client's messages \(Header must provide a Content-Length property\.\); exiting so the client can restart it/);
  });

  test('a header line that is garbage: logged, exit 1', async () => {
    const outcome = await send('hello world\r\n\r\n');
    assert.equal(outcome.exitCode, 1);
    assert.match(outcome.stderr, /cannot read the client's messages \(Message header must separate key and value using ':'\)/);
  });

  test('a well-framed body that is not JSON is dropped and logged; the next request is answered', async () => {
    const outcome = await send('Content-Length: 5\r\n\r\n{{{{{');
    assert.equal(outcome.answered, true, outcome.stderr);
    assert.match(outcome.stderr, /dropped a message that is not valid JSON/);
  });
});
