import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import type { Io } from '../command';
import { runCli } from '../main';
import { cliBinary as binary, ensureFreshCli, repoRoot as root } from '../testing';

const workspace = path.join(root, 'test-workspace');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'planewise-check-'));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

before(ensureFreshCli);

function planewise(args: string[], cwd = root) {
  const result = spawnSync(process.execPath, [binary, ...args], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

async function inProcess(args: string[], cwd: string) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk.toString()));
  stderr.on('data', (chunk: Buffer) => err.push(chunk.toString()));
  const io: Io = { stdin: new PassThrough(), stdout, stderr, env: { NO_COLOR: '1' }, cwd };
  const code = await runCli(['check', ...args], io);
  return { code, stdout: out.join(''), stderr: err.join('') };
}

function writeProject(name: string, files: Record<string, string>): string {
  const dir = path.join(scratch, name);
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

interface JsonFinding {
  file: string;
  line: number;
  ruleId: string;
  severity: string;
  fingerprint: string;
}

describe('planewise check (the built CLI)', () => {
  it('finds exactly the violations planted in test-workspace', () => {
    const expected = JSON.parse(fs.readFileSync(path.join(workspace, 'EXPECTED-FINDINGS.json'), 'utf8')) as { ruleId: string; file: string; line: number }[];
    const result = planewise(['check', 'test-workspace', '--format', 'json']);
    assert.equal(result.code, 1, result.stderr);
    const report = JSON.parse(result.stdout) as { findings: JsonFinding[] };
    const actual = report.findings.map((finding) => `${finding.file}:${finding.line} ${finding.ruleId}`).sort();
    assert.deepEqual(actual, expected.map((finding) => `${finding.file}:${finding.line} ${finding.ruleId}`).sort());
  });

  it('Planewise passes its own check with its planewise.config.json', () => {
    const result = planewise(['check']);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /^0 errors, 0 warnings in \d+ files/m);
  });
});

describe('planewise check --format sarif', () => {
  it('is valid SARIF 2.1.0 with rule metadata, help URIs, relative locations and fingerprints', async () => {
    const result = await inProcess(['test-workspace', '--format', 'sarif'], root);
    assert.equal(result.code, 1);
    const sarif = JSON.parse(result.stdout) as { runs: any[] };
    // The official schema (draft-04): Ajv reads it once `id` is spelled the newer way.
    const schema = JSON.parse(fs.readFileSync(path.join(root, 'analysis-core/src/boundary/sarif/sarif-schema-2.1.0.json'), 'utf8'));
    delete schema.$schema;
    schema.$id = schema.id;
    delete schema.id;
    const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    assert.ok(validate(sarif), JSON.stringify(validate.errors?.slice(0, 5), null, 2));

    const run = sarif.runs[0];
    const rules = run.tool.driver.rules as { id: string; helpUri: string; shortDescription: { text: string }; fullDescription: { text: string }; defaultConfiguration: { level: string } }[];
    assert.ok(rules.some((rule) => rule.id === 'no-analysis-in-execution-path' && rule.helpUri.endsWith('/docs/rules/no-analysis-in-execution-path.md') && rule.defaultConfiguration.level === 'error'));
    for (const rule of rules) assert.ok(rule.shortDescription.text.length > 0 && rule.fullDescription.text.length > 0);
    assert.equal(run.results.length, 5);
    for (const sarifResult of run.results) {
      const location = sarifResult.locations[0].physicalLocation;
      assert.equal(location.artifactLocation.uriBaseId, '%SRCROOT%');
      assert.ok(location.artifactLocation.uri.startsWith('src/'), location.artifactLocation.uri);
      assert.ok(location.region.startLine >= 1 && location.region.startColumn >= 1);
      assert.match(sarifResult.partialFingerprints['planewise/v1'], /^[0-9a-f]{24}$/);
      assert.ok(['error', 'warning'].includes(sarifResult.level));
    }
    const chain = run.results.find((sarifResult: { ruleId: string }) => sarifResult.ruleId === 'no-analysis-in-execution-path');
    assert.equal(chain.relatedLocations.length, 4, "the handler's call, the helper's call, the analysis and the handler's import");
  });
});

describe('baselines, warnings, output', () => {
  const handler = "import { generateReport } from '../analysis/report';\nexport function create() {\n  generateReport();\n}\n";
  const report = 'export function generateReport() {}\n';

  it('--update-baseline records the findings; later runs report only new ones, matched by fingerprint', async () => {
    const dir = writeProject('baseline', { 'src/handlers/orders.ts': handler, 'src/analysis/report.ts': report });
    const update = await inProcess(['.', '--baseline', 'planewise-baseline.json', '--update-baseline'], dir);
    assert.equal(update.code, 0, update.stderr);
    const baseline = JSON.parse(fs.readFileSync(path.join(dir, 'planewise-baseline.json'), 'utf8'));
    assert.equal(baseline.findings.length, 1);

    const clean = await inProcess(['.', '--baseline', 'planewise-baseline.json'], dir);
    assert.equal(clean.code, 0, clean.stdout);
    assert.match(clean.stdout, /1 known finding hidden by the baseline/);

    // Lines shift and a new violation appears: only the new one is reported.
    fs.writeFileSync(path.join(dir, 'src/handlers/orders.ts'), `// moved down\n${handler}export function again() {\n  generateReport();\n}\n`);
    const fresh = await inProcess(['.', '--baseline', 'planewise-baseline.json', '--format', 'json'], dir);
    assert.equal(fresh.code, 1);
    const findings = JSON.parse(fresh.stdout).findings as JsonFinding[];
    assert.deepEqual(findings.map((finding) => `${finding.file}:${finding.line} ${finding.ruleId}`), ['src/handlers/orders.ts:7 no-analysis-in-execution-path']);
  });

  it('a missing or broken baseline is a usage error, never an empty baseline', async () => {
    const dir = writeProject('baseline-bad', { 'src/handlers/orders.ts': handler, 'src/analysis/report.ts': report, 'broken.json': '{"version": 7}' });
    assert.equal((await inProcess(['.', '--baseline', 'missing.json'], dir)).code, 2);
    const broken = await inProcess(['.', '--baseline', 'broken.json'], dir);
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /not a planewise baseline/);
    assert.equal((await inProcess(['.', '--update-baseline'], dir)).code, 2);
  });

  it('--max-warnings turns too many warnings into exit 1; -o writes the result to a file', async () => {
    const config = { planes: { data: ['src/handlers/**'], intelligence: ['src/analysis/**'] }, rules: { 'no-analysis-in-execution-path': 'warn', 'no-product-import-in-platform': 'warn' } };
    const dir = writeProject('warnings', { 'src/handlers/orders.ts': handler, 'src/analysis/report.ts': report, 'planewise.config.json': JSON.stringify(config) });
    assert.equal((await inProcess(['.'], dir)).code, 0);
    assert.equal((await inProcess(['.', '--max-warnings', '1'], dir)).code, 0);
    const over = await inProcess(['.', '--max-warnings', '0', '-o', 'out.json', '--format', 'json'], dir);
    assert.equal(over.code, 1);
    assert.equal(over.stdout, '');
    assert.equal(JSON.parse(fs.readFileSync(path.join(dir, 'out.json'), 'utf8')).summary.warnings, 1);
    assert.equal((await inProcess(['.', '--max-warnings', 'many'], dir)).code, 2);
    assert.equal((await inProcess(['.', '--format', 'xml'], dir)).code, 2);
  });

  it('text output lists findings by file with their chain, and a config problem fails the run', async () => {
    const dir = writeProject('text', { 'src/handlers/orders.ts': handler, 'src/analysis/report.ts': report, 'planewise.config.json': '{ "planes": { "data": ["src/handlers/**"], "intelligence": ["src/analysis/**"] }, "typo": 1 }' });
    const result = await inProcess(['.'], dir);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /^planewise\.config\.json\n\s+1:\d+\s+error\s+Unknown key "typo"/m);
    assert.match(result.stdout, /^src\/handlers\/orders\.ts$/m);
  });
  it('--config FILE checks each path with that config, its globs relative to the path; a missing file is a usage error', async () => {
    const dir = writeProject('explicit-config', { 'app/web/orders.ts': handler, 'app/analysis/report.ts': report, 'elsewhere/minimal.json': JSON.stringify({ planes: { data: ['web/**'], intelligence: ['analysis/**'] } }) });
    const without = await inProcess(['app', '--format', 'json'], dir);
    assert.equal(JSON.parse(without.stdout).findings.length, 0, 'no plane from these folder names');
    const result = await inProcess(['app', '--config', 'elsewhere/minimal.json', '--format', 'json'], dir);
    assert.equal(result.code, 1, result.stderr);
    const findings = JSON.parse(result.stdout).findings as JsonFinding[];
    assert.deepEqual([...new Set(findings.map((finding) => `${finding.file} ${finding.ruleId}`))].sort(), ['web/orders.ts no-analysis-in-execution-path']);
    const missing = await inProcess(['app', '--config', 'nope.json'], dir);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--config nope\.json is not a file/);
    });
  it('text output shows control characters in file names as escapes', async () => {
    const dir = writeProject('hostile-names', { 'src/handlers/\u001b[2J\u202eorders.ts': handler, 'src/analysis/report.ts': report });
    const result = await inProcess(['.'], dir);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /^src\/handlers\/\\u001b\[2J\\u202eorders\.ts$/m);
    assert.doesNotMatch(result.stdout, /[\u001b\u202e]/);
  });
});

describe('check fails closed', () => {
  const handler = "import { generateReport } from '../analysis/report';\nexport function create() {\n  generateReport();\n}\n";
  const report = 'export function generateReport() {}\n';

  it('files nested too deeply for a recursive walk or for the parser: every file is still checked and reported', () => {
    const dir = writeProject('hostile', {
      'src/concat.ts': `export const s = ${Array.from({ length: 2000 }, () => '"a"').join(' + ')};\n`,
      'src/parens.ts': `export const p = ${'('.repeat(1000)}1${')'.repeat(1000)};\n`,
      'src/handlers/orders.ts': handler,
      'src/analysis/report.ts': report,
    });
    const result = planewise(['check', '.', '--format', 'json'], dir);
    assert.equal(result.code, 1, result.stderr);
    const report_ = JSON.parse(result.stdout) as { roots: { filesChecked: number }[]; findings: (JsonFinding & { message: string })[] };
    assert.equal(report_.roots[0]!.filesChecked, 4);
    const found = report_.findings.map((finding) => `${finding.file}:${finding.line} ${finding.ruleId}`);
    assert.ok(found.includes('src/handlers/orders.ts:3 no-analysis-in-execution-path'), found.join('\n'));
    assert.ok(found.includes('src/parens.ts:1 not-checked'), found.join('\n'));
    assert.ok(!found.some((finding) => finding.startsWith('src/concat.ts')), found.join('\n'));
  });

  it('zero files: a folder without a config is a usage error; with one, a config error', async () => {
    const empty = writeProject('empty', { 'README.md': '# nothing to check\n' });
    const bare = await inProcess(['.'], empty);
    assert.equal(bare.code, 2);
    assert.match(bare.stderr, /no source files to check in /);
    const configured = writeProject('include-nothing', { 'src/handlers/orders.ts': handler, 'planewise.config.json': '{ "include": ["lib/**/*.ts"] }' });
    const result = await inProcess(['.'], configured);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /^planewise\.config\.json\n\s+1:\d+\s+error\s+No file to check: "include" \("lib\/\*\*\/\*\.ts"\) matches no file/m);
  });

  it('an absolute include is a config error and lists nothing outside the project', async () => {
    const dir = writeProject('absolute', { 'src/handlers/orders.ts': handler, 'src/analysis/report.ts': report, 'planewise.config.json': '{ "include": ["/**/*.ts", "src/**/*.ts"] }' });
    const result = await inProcess(['.', '--format', 'json'], dir);
    assert.equal(result.code, 1);
    const parsed = JSON.parse(result.stdout) as { roots: { filesChecked: number }[]; findings: (JsonFinding & { message: string })[] };
    assert.equal(parsed.roots[0]!.filesChecked, 2);
    assert.ok(parsed.findings.some((finding) => finding.file === 'planewise.config.json' && finding.severity === 'error' && finding.message.startsWith('The glob "/**/*.ts" in "include" reaches outside the project')));
  });

  it('a FIFO never blocks: as the config it is a config error, as a source file it is skipped', { skip: process.platform === 'win32', timeout: 60_000 }, () => {
    const dir = writeProject('fifo', { 'src/handlers/orders.ts': handler, 'src/analysis/report.ts': report });
    assert.equal(spawnSync('mkfifo', [path.join(dir, 'planewise.config.json'), path.join(dir, 'src/handlers/pipe.ts')]).status, 0);
    const result = planewise(['check', '.', '--format', 'json'], dir);
    assert.equal(result.code, 1, result.stderr);
    const parsed = JSON.parse(result.stdout) as { roots: { filesChecked: number }[]; findings: (JsonFinding & { message: string })[] };
    assert.equal(parsed.roots[0]!.filesChecked, 2);
    assert.ok(parsed.findings.some((finding) => finding.file === 'planewise.config.json' && /is not a regular file/.test(finding.message)), result.stdout);
  });
});

describe('check --fix', () => {
  const service = {
    'src/handlers/orders.ts': "import { generateReport } from '../analysis/report';\n\nexport function createOrder(id: string): string {\n  generateReport(id);\n  return id;\n}\n",
    'src/analysis/report.ts': 'export function generateReport(id: string): string {\n  return id;\n}\n',
  };

  it('--fix-dry-run prints a unified diff of every file the fixes touch and writes nothing', async () => {
    const dir = writeProject('fix-dry-run', service);
    const result = await inProcess(['--fix-dry-run', '--fix-type', 'no-analysis-in-execution-path'], dir);
    assert.match(result.stdout, /--- a\/src\/handlers\/orders\.ts\n\+\+\+ b\/src\/handlers\/orders\.ts\n@@ -1,/);
    assert.match(result.stdout, /^-  generateReport\(id\);$/m);
    assert.match(result.stdout, /--- \/dev\/null\n\+\+\+ b\/src\/analysis\/postExecution\.ts/);
    assert.match(result.stderr, /would apply 1 fix to 4 files/);
    assert.equal(fs.readFileSync(path.join(dir, 'src/handlers/orders.ts'), 'utf8'), service['src/handlers/orders.ts']);
    assert.equal(fs.existsSync(path.join(dir, 'src/analysis/postExecution.ts')), false);
  });

  it('--fix writes the fixes and reports what is left', async () => {
    const dir = writeProject('fix', service);
    const result = await inProcess(['--fix'], dir);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(fs.readFileSync(path.join(dir, 'src/handlers/orders.ts'), 'utf8'), /emitTraceEvent\('planewise\.analysis\.generateReport'/);
    assert.ok(fs.existsSync(path.join(dir, 'src/tracing/emitTraceEvent.ts')));
    assert.ok(fs.existsSync(path.join(dir, 'planewise.config.json')));
    assert.match(result.stdout, /0 errors/);
  });

  describe("with the project's Prettier", () => {
    const prettierrc = { singleQuote: false, semi: false, printWidth: 60, trailingComma: 'all' };
    function withPrettier(name: string): string {
      const dir = writeProject(name, { ...service, '.prettierrc': JSON.stringify(prettierrc), 'package.json': '{ "name": "orders", "private": true }\n' });
      fs.mkdirSync(path.join(dir, 'node_modules'));
      fs.symlinkSync(path.dirname(require.resolve('prettier/package.json')), path.join(dir, 'node_modules', 'prettier'), 'dir');
      return dir;
    }

    it('--fix formats the code it writes and leaves the rest of the file as it was', async () => {
      const dir = withPrettier('fix-prettier');
      const result = await inProcess(['--fix'], dir);
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.equal(
        fs.readFileSync(path.join(dir, 'src/handlers/orders.ts'), 'utf8'),
        'import { emitTraceEvent } from "../tracing/emitTraceEvent"\n\nexport function createOrder(id: string): string {\n  // Runs after execution, from this event: ../analysis/postExecution.ts\n  emitTraceEvent("planewise.analysis.generateReport", {\n    "planewise.inputs": JSON.stringify({ id }),\n  })\n  return id;\n}\n',
      );
      const { format } = await import('prettier');
      const emitter = path.join(dir, 'src/tracing/emitTraceEvent.ts');
      const text = fs.readFileSync(emitter, 'utf8');
      assert.equal(text, await format(text, { ...prettierrc, filepath: emitter } as object));
      assert.match(text, /^import \{ randomUUID \} from "node:crypto"$/m);
    });

    it('--no-prettier writes the fixes as the engine wrote them', async () => {
      const dir = withPrettier('fix-no-prettier');
      const result = await inProcess(['--fix', '--no-prettier'], dir);
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.match(fs.readFileSync(path.join(dir, 'src/handlers/orders.ts'), 'utf8'), /^  emitTraceEvent\('planewise\.analysis\.generateReport', \{ 'planewise\.inputs': JSON\.stringify\(\{ id \}\) \}\);$/m);
      assert.match(fs.readFileSync(path.join(dir, 'src/tracing/emitTraceEvent.ts'), 'utf8'), /^import \{ randomUUID \} from 'node:crypto';$/m);
    });

    it('a broken Prettier config leaves the fixes unformatted and says so once', async () => {
      const dir = withPrettier('fix-prettier-broken');
      fs.writeFileSync(path.join(dir, '.prettierrc'), '{ "semi": false,, }');
      const result = await inProcess(['--fix'], dir);
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.equal(result.stderr.match(/Prettier: could not read the Prettier config/g)?.length, 1, result.stderr);
      assert.match(fs.readFileSync(path.join(dir, 'src/handlers/orders.ts'), 'utf8'), /emitTraceEvent\('planewise\.analysis\.generateReport'/);
    });
  });

  it('--fix-type with an unknown rule is a usage error', async () => {
    const dir = writeProject('fix-type', service);
    const result = await inProcess(['--fix', '--fix-type', 'no-such-rule'], dir);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /unknown rule id no-such-rule/);
  });
});
