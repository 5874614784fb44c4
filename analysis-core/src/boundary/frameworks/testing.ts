/**
 * Valid/invalid tests for one framework adapter: each case is a file (path
 * and text); invalid cases list the reasons the adapter must give, valid
 * cases must give none. The adapter runs alone over every node of the file.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ts } from '../compiler';
import { extractFacts } from '../facts';
import { fileContext } from './index';
import type { FrameworkAdapter } from './types';

export interface AdapterCase {
  name: string;
  /** Forward-slash path; matters for file-based routing. */
  path?: string;
  code: string;
}

export interface InvalidAdapterCase extends AdapterCase {
  /** Each detection's reason, in source order. */
  reasons: string[];
}

export function detectionReasons(adapter: FrameworkAdapter, file: string, code: string): string[] {
  const source = ts.createSourceFile(file, code, ts.ScriptTarget.ES2022, true, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const context = fileContext(file, source, extractFacts(file, source).imports);
  if (!adapter.appliesTo(context)) return [];
  const reasons: string[] = [];
  const visit = (node: ts.Node): void => {
    for (const detection of adapter.detect(node, context)) reasons.push(detection.reason);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return reasons;
}

export function runAdapterTests(adapter: FrameworkAdapter, cases: { valid: AdapterCase[]; invalid: InvalidAdapterCase[] }): void {
  describe(`${adapter.id} adapter`, () => {
    describe('valid (no entry point)', () => {
      for (const testCase of cases.valid) {
        it(testCase.name, () => assert.deepEqual(detectionReasons(adapter, testCase.path ?? 'src/server.ts', testCase.code), []));
      }
    });
    describe('invalid (entry points)', () => {
      for (const testCase of cases.invalid) {
        it(testCase.name, () => assert.deepEqual(detectionReasons(adapter, testCase.path ?? 'src/server.ts', testCase.code), testCase.reasons));
      }
    });
  });
}
