import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { createEngine } from './engine';
import { memoryHost } from './host';

const ROOT = path.resolve('/mono');
const at = (file: string) => path.join(ROOT, file);
const handler = "import { generateReport } from './report';\nexport function create() {\n  generateReport();\n}\n";

describe('package configs', () => {
  it('a file takes the nearest planewise.config.json; its globs are relative to it and its rule settings override the root', () => {
    const host = memoryHost({
      [at('planewise.config.json')]: JSON.stringify({ planes: { data: ['**/handlers/**'], intelligence: ['**/report.ts'] }, rules: { 'no-analysis-in-execution-path': 'warn', 'no-product-import-in-platform': 'off' } }),
      [at('packages/api/planewise.config.json')]: JSON.stringify({ planes: { data: ['src/orders.ts'], intelligence: ['src/report.ts'] }, rules: { 'no-analysis-in-execution-path': 'error' } }),
      [at('packages/api/src/orders.ts')]: handler,
      [at('packages/api/src/report.ts')]: 'export function generateReport() {}\n',
      [at('apps/web/handlers/orders.ts')]: handler.replace('./report', '../analysis/report'),
      [at('apps/web/analysis/report.ts')]: 'export function generateReport() {}\n',
    });
    const engine = createEngine({ root: ROOT }, host);
    assert.equal(engine.planeOf(at('packages/api/src/orders.ts')).plane, 'data');
    assert.equal(engine.planeOf(at('packages/api/src/report.ts')).plane, 'intelligence');
    const findings = [...engine.check('all').findings.values()].flat().map((finding) => `${path.relative(ROOT, finding.file)} ${finding.ruleId} ${finding.severity}`).sort();
    assert.deepEqual(findings, [
      `apps${path.sep}web${path.sep}handlers${path.sep}orders.ts no-analysis-in-execution-path warn`,
      `packages${path.sep}api${path.sep}src${path.sep}orders.ts no-analysis-in-execution-path error`,
    ]);
  });
});
