import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

test('the committed scanner WebAssembly was built from the current AssemblyScript source and shared layout', () => {
  const source = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'assembly', 'lineScanner.ts'));
  const layout = fs.readFileSync(path.join(__dirname, 'scannerLayout.ts'));
  const module = fs.readFileSync(path.join(__dirname, 'lineScannerWasm.ts'), 'utf8');
  const recorded = /^\/\/ Source sha256: ([0-9a-f]{64})$/m.exec(module)?.[1];
  assert.equal(recorded, crypto.createHash('sha256').update(source).update(layout).digest('hex'), 'run `node scripts/build-scanner.mjs` and commit analysis-core/src/trace/fast/lineScannerWasm.ts');
});
