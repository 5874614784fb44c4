// Entry point VS Code loads as `extensionTestsPath`: runs, inside the real
// extension host, every `*.itest.js` bundle that sits beside this file's bundle
// (scripts/test-vscode.mjs compiles client/test/integration/*.itest.ts there).
//
// Environment (passed through to the extension host):
//   PLANEWISE_TEST_GREP        only run tests whose full title matches this regular expression
//   PLANEWISE_TEST_TIMEOUT_MS  per-test timeout (default 20000: the first test pays for the
//                              language server's start-up on a loaded 2-core machine)
import Mocha from 'mocha';
import { readdirSync } from 'node:fs';
import path from 'node:path';

const DEFAULT_TIMEOUT_MS = 20_000;

export function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'bdd',
    reporter: 'spec',
    color: false,
    timeout: timeoutFromEnv(),
    ...(process.env.PLANEWISE_TEST_GREP ? { grep: new RegExp(process.env.PLANEWISE_TEST_GREP) } : {}),
  });
  const testFiles = findTestFiles(__dirname);
  if (testFiles.length === 0) {
    return Promise.reject(new Error(`no *.itest.js files next to ${__filename}: were the integration tests compiled?`));
  }
  for (const file of testFiles) mocha.addFile(file);
  return new Promise((resolve, reject) => {
    try {
      mocha.run((failures) => {
        if (failures > 0) reject(new Error(`${failures} integration test${failures === 1 ? '' : 's'} failed`));
        else resolve();
      });
    } catch (error) {
      // A test file that throws while loading lands here, not in the run callback.
      reject(error);
    }
  });
}

function findTestFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.itest.js'))
    .sort()
    .map((name) => path.join(dir, name));
}

function timeoutFromEnv(): number {
  const raw = process.env.PLANEWISE_TEST_TIMEOUT_MS;
  if (raw === undefined || raw === '') return DEFAULT_TIMEOUT_MS;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`PLANEWISE_TEST_TIMEOUT_MS must be a positive integer of milliseconds, got "${raw}"`);
  return value;
}
