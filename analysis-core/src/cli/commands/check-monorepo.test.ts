import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cliBinary, ensureFreshCli, repoRoot } from '../testing';

const fixture = path.join(repoRoot, 'analysis-core', 'test-fixtures', 'monorepo');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'planewise-monorepo-'));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));
before(ensureFreshCli);

function planewise(args: string[], cwd: string) {
  const result = spawnSync(process.execPath, [cliBinary, 'check', ...args], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface JsonFinding {
  file: string;
  line: number;
  column: number;
  ruleId: string;
  severity: string;
  root: string;
}

/** Findings as repository paths, so checks from different folders compare. */
function findingsOf(stdout: string): string[] {
  const report = JSON.parse(stdout) as { findings: JsonFinding[] };
  return report.findings.map((finding) => `${path.relative(fixture, path.join(finding.root, finding.file))}:${finding.line}:${finding.column} ${finding.ruleId} ${finding.severity}`).sort();
}

function writeProject(name: string, files: Record<string, string>): string {
  const dir = path.join(scratch, name);
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

describe('planewise check in a monorepo', () => {
  it('finds the same in apps/web from the repository root as from apps/web itself', () => {
    const fromRoot = planewise(['--format', 'json'], fixture);
    const fromApp = planewise(['--format', 'json'], path.join(fixture, 'apps', 'web'));
    assert.equal(fromRoot.stderr, '');
    const web = findingsOf(fromRoot.stdout).filter((finding) => finding.startsWith(`apps${path.sep}web${path.sep}`));
    assert.deepEqual(web, [
      `apps${path.sep}web${path.sep}app${path.sep}api${path.sep}reports${path.sep}route.ts:7:62 no-analysis-in-execution-path error`,
    ]);
    assert.deepEqual(findingsOf(fromApp.stdout), web);
    assert.equal(fromRoot.code, 1);
    const roots = (JSON.parse(fromRoot.stdout) as { roots: { resolution: { relative: unknown; aliased: unknown; workspace: unknown; warning: unknown } }[] }).roots;
    assert.deepEqual(roots[0]!.resolution.workspace, { resolved: 2, total: 2 });
    assert.deepEqual(roots[0]!.resolution.aliased, { resolved: 1, total: 1 });
    assert.equal(roots[0]!.resolution.warning, null);
  });

  it('says when many imports stay unresolved, with examples, in text and JSON', () => {
    const files: Record<string, string> = { 'tsconfig.json': JSON.stringify({ compilerOptions: { paths: { '@/*': ['./src/*'] } } }) };
    for (let index = 0; index < 12; index += 1) files[`src/page${index}.ts`] = `import { missing } from '@/gone/missing${index}';\nexport const page = missing;\n`;
    const dir = writeProject('unresolved', files);
    const text = planewise([], dir);
    const warnings = text.stdout.split('\n').filter((line) => line.startsWith('warning: '));
    assert.equal(warnings.length, 1, text.stdout);
    assert.match(warnings[0]!, /^warning: 12 of 12 aliased imports did not resolve, so findings through them are missed \(e\.g\. src\/page0\.ts:1 '@\/gone\/missing0', src\/page1\.ts:1 '@\/gone\/missing1', src\/page10\.ts:1 '@\/gone\/missing10'\)/);
    const json = JSON.parse(planewise(['--format', 'json'], dir).stdout) as { roots: { resolution: { aliased: unknown; unresolvedExamples: unknown[]; warning: string } }[] };
    assert.deepEqual(json.roots[0]!.resolution.aliased, { resolved: 0, total: 12 });
    assert.equal(json.roots[0]!.resolution.unresolvedExamples.length, 12);
    assert.match(json.roots[0]!.resolution.warning, /12 of 12 aliased imports/);
  });

  it('a broken tsconfig is a warning on that file, and the check goes on', () => {
    const dir = writeProject('broken-tsconfig', {
      'tsconfig.json': '{ "extends": "./tsconfig.loop.json", "compilerOptions": { "paths": { "@/*": ["./src/*"] } } }',
      'tsconfig.loop.json': '{ "extends": "./tsconfig.json" }',
      'web/tsconfig.json': '{ "compilerOptions": { "paths": { "@/*": ["./*"] } }, oops }',
      'web/page.ts': "import { orders } from '@/orders';\nexport const page = orders;\n",
      'web/orders.ts': 'export const orders = 1;\n',
      'src/a.ts': "import { b } from '@/b';\nexport const a = b;\n",
      'src/b.ts': 'export const b = 1;\n',
    });
    const result = planewise(['--format', 'json'], dir);
    const report = JSON.parse(result.stdout) as { findings: (JsonFinding & { message: string })[] };
    const config = report.findings.filter((finding) => finding.ruleId === 'config').map((finding) => `${finding.file}:${finding.line} ${finding.severity} ${finding.message}`);
    assert.ok(config.some((line) => /^tsconfig(\.loop)?\.json:\d+ warn .*ircularity/.test(line)), config.join('\n'));
    assert.ok(config.some((line) => line.startsWith('web/tsconfig.json:1 warn tsconfig.json:')), config.join('\n'));
    assert.equal(result.code, 0);
  });
});
