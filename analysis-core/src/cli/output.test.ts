import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { PassThrough } from 'node:stream';
import type { CommandContext } from './command';
import { JsonArray, jsonPieces } from './jsonStream';
import { emit, writeOutputFile } from './output';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'planewise-output-'));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

function freshDirectory(): string {
  return fs.mkdtempSync(path.join(scratch, 'case-'));
}

const tempFiles = (directory: string) => fs.readdirSync(directory).filter((name) => name.endsWith('.tmp'));

test('writeOutputFile writes pieces in order and never replaces a file without force', async () => {
  const directory = freshDirectory();
  const target = path.join(directory, 'policy.json');
  await writeOutputFile(target, ['{', '"a": 1', '}'], { force: false });
  assert.equal(fs.readFileSync(target, 'utf8'), '{"a": 1}');
  await assert.rejects(writeOutputFile(target, ['changed'], { force: false }), /already exists/);
  assert.equal(fs.readFileSync(target, 'utf8'), '{"a": 1}');
  await writeOutputFile(target, 'replaced', { force: true });
  assert.equal(fs.readFileSync(target, 'utf8'), 'replaced');
  assert.deepEqual(fs.readdirSync(directory), ['policy.json'], 'no temp file is left behind');
});

test('a result in pieces is written as its UTF-8 bytes, multi-byte characters across every write boundary included', async () => {
  // Names of 1 to 4 UTF-8 bytes per character, and a lone surrogate (written as U+FFFD), at every offset against the 1 MiB writes.
  const names = Array.from({ length: 120_000 }, (_, index) => `${'x'.repeat(index % 7)}é报😀\ud800"${index}`);
  const value = { names: new JsonArray(names), count: names.length };
  const expected = Buffer.from(`${JSON.stringify({ names, count: names.length }, null, 2)}\n`, 'utf8');
  assert.ok(expected.length > 3 * (1 << 20));
  const directory = freshDirectory();
  const stdout = new PassThrough();
  const written: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => written.push(chunk));
  const context = (output: string | undefined): CommandContext => ({
    io: { stdin: new PassThrough(), stdout, stderr: new PassThrough(), env: {}, cwd: directory },
    positionals: [],
    values: output === undefined ? {} : { output },
  });
  await emit(context('result.json'), jsonPieces(value));
  assert.deepEqual(fs.readFileSync(path.join(directory, 'result.json')), expected);
  await emit(context(undefined), jsonPieces({ ...value, names: new JsonArray(names) }));
  assert.deepEqual(Buffer.concat(written), expected);
});

test('a replaced file keeps its mode, and its owner when run as root', async () => {
  const directory = freshDirectory();
  const target = path.join(directory, 'secret.json');
  fs.writeFileSync(target, 'old');
  fs.chmodSync(target, 0o600);
  const asRoot = process.getuid?.() === 0;
  if (asRoot) fs.chownSync(target, 4321, 4322);
  await writeOutputFile(target, 'new', { force: true });
  const stat = fs.statSync(target);
  assert.equal(stat.mode & 0o777, 0o600);
  if (asRoot) assert.deepEqual([stat.uid, stat.gid], [4321, 4322]);
  assert.equal(fs.readFileSync(target, 'utf8'), 'new');
});

test('a symlink is written through: its target is replaced atomically, the link stays a link', async () => {
  const directory = freshDirectory();
  fs.mkdirSync(path.join(directory, 'real'));
  const real = path.join(directory, 'real', 'out.json');
  fs.writeFileSync(real, 'old');
  const link = path.join(directory, 'link.json');
  fs.symlinkSync('real/out.json', link);
  await assert.rejects(writeOutputFile(link, 'new', { force: false }), /already exists/);
  await writeOutputFile(link, 'new', { force: true });
  assert.ok(fs.lstatSync(link).isSymbolicLink());
  assert.equal(fs.readlinkSync(link), 'real/out.json');
  assert.equal(fs.readFileSync(real, 'utf8'), 'new');
  // A dangling link: the file is created where it points.
  const dangling = path.join(directory, 'dangling.json');
  fs.symlinkSync('real/created.json', dangling);
  await writeOutputFile(dangling, 'created', { force: false });
  assert.ok(fs.lstatSync(dangling).isSymbolicLink());
  assert.equal(fs.readFileSync(path.join(directory, 'real', 'created.json'), 'utf8'), 'created');
  assert.deepEqual([...tempFiles(directory), ...tempFiles(path.join(directory, 'real'))], []);
});

test('a symlink loop, a directory or a path through a file is one clear error', async () => {
  const directory = freshDirectory();
  fs.symlinkSync('loop-b', path.join(directory, 'loop-a'));
  fs.symlinkSync('loop-a', path.join(directory, 'loop-b'));
  await assert.rejects(writeOutputFile(path.join(directory, 'loop-a'), 'x', { force: true }), /too many levels of symbolic links/);
  fs.mkdirSync(path.join(directory, 'folder'));
  await assert.rejects(writeOutputFile(path.join(directory, 'folder'), 'x', { force: true }), /cannot write .*folder: it is a directory/);
  fs.symlinkSync('folder', path.join(directory, 'to-folder'));
  await assert.rejects(writeOutputFile(path.join(directory, 'to-folder'), 'x', { force: true }), /it is a directory/);
  assert.ok(fs.lstatSync(path.join(directory, 'to-folder')).isSymbolicLink());
  fs.writeFileSync(path.join(directory, 'plain'), '');
  await assert.rejects(writeOutputFile(path.join(directory, 'plain', 'out.json'), 'x', { force: true }), /cannot write .*ENOTDIR/);
  assert.deepEqual(tempFiles(directory), []);
});

test('a FIFO is written directly, never replaced', async () => {
  const directory = freshDirectory();
  const fifo = path.join(directory, 'out.fifo');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
  const received = fs.promises.readFile(fifo, 'utf8');
  await writeOutputFile(fifo, ['streamed ', 'through'], { force: true });
  assert.equal(await received, 'streamed through');
  assert.ok(fs.lstatSync(fifo).isFIFO(), 'still a FIFO');
  assert.deepEqual(tempFiles(directory), []);
});

test('an error while writing removes the temp file', async () => {
  const directory = freshDirectory();
  function* failing(): Generator<string> {
    yield 'partial';
    throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
  }
  await assert.rejects(writeOutputFile(path.join(directory, 'out.json'), failing(), { force: true }), /cannot write .*out\.json: ENOSPC: no space left on device/);
  assert.deepEqual(fs.readdirSync(directory), []);
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`${signal} during a write removes the temp file and ends the process by the signal`, async () => {
    const directory = freshDirectory();
    // The child writes endless pieces and says when the temp file exists; the signal arrives mid-write.
    const script = `
      const { writeOutputFile } = require(${JSON.stringify(path.join(__dirname, 'output.ts'))});
      function* pieces() {
        yield 'start';
        process.stdout.write('writing\\n');
        for (let i = 0; i < 100000; i++) yield 'x'.repeat(1024);
      }
      writeOutputFile(${JSON.stringify(path.join(directory, 'big.json'))}, pieces(), { force: true });`;
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    assert.equal(tempFiles(directory).length, 1, 'the write is under way');
    child.kill(signal);
    const [code, endedBy] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('exit', (exitCode, exitSignal) => resolve([exitCode, exitSignal])));
    assert.equal(endedBy, signal, `exit code ${code}`);
    assert.deepEqual(fs.readdirSync(directory), [], 'no temp file and no partial output');
  });
}
