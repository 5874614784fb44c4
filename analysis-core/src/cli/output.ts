/**
 * Where command results go: stdout, or `-o FILE` written atomically. A write
 * never clobbers a user's file: without --force an existing target is an
 * error, and the temp-file-then-link dance makes that check race-free.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { type CommandContext, UsageError, stringOption } from './command';

export const OUTPUT_OPTIONS = {
  output: { type: 'string', short: 'o' },
  force: { type: 'boolean' },
} as const;

export const OUTPUT_HELP = `  -o, --output FILE   write the result to FILE (atomically) instead of stdout
      --force         replace FILE if it already exists`;

/** Batches a result's pieces so a large one is written in a few big writes, never as one string. */
function* batched(pieces: Iterable<string>, size = 1 << 20): Generator<string> {
  let batch: string[] = [];
  let length = 0;
  for (const piece of pieces) {
    batch.push(piece);
    length += piece.length;
    if (length >= size) {
      yield batch.join('');
      batch = [];
      length = 0;
    }
  }
  if (length > 0) yield batch.join('');
}

export function writeFileAtomic(target: string, content: string | Iterable<string>, options: { force: boolean }): void {
  const directory = path.dirname(target);
  const temp = path.join(directory, `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  const descriptor = fs.openSync(temp, 'wx');
  try {
    for (const piece of typeof content === 'string' ? [content] : content) fs.writeSync(descriptor, piece);
  } catch (error) {
    fs.closeSync(descriptor);
    fs.rmSync(temp, { force: true });
    throw error;
  }
  fs.closeSync(descriptor);
  try {
    if (options.force) {
      fs.renameSync(temp, target);
    } else {
      // link() fails with EEXIST instead of replacing: no window between check and write.
      fs.linkSync(temp, target);
      fs.unlinkSync(temp);
    }
  } catch (error) {
    fs.rmSync(temp, { force: true });
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new UsageError(`${target} already exists; pass --force to replace it`);
    }
    throw error;
  }
}

/**
 * JSON.stringify(value, null, 2) in pieces: the elements of the top level's
 * arrays (principals, files, findings) are stringified one at a time, so a
 * large result never exists as one string. The text is the same.
 */
export function* prettyJson(value: Record<string, unknown>): Generator<string> {
  const indented = (item: unknown, indent: string) => (JSON.stringify(item, null, 2) ?? 'null').replaceAll('\n', `\n${indent}`);
  // JSON.stringify leaves these properties out.
  const entries = Object.entries(value).filter(([, item]) => item !== undefined && typeof item !== 'function' && typeof item !== 'symbol');
  if (entries.length === 0) {
    yield '{}';
    return;
  }
  yield '{';
  for (const [index, [key, item]] of entries.entries()) {
    const comma = index < entries.length - 1 ? ',' : '';
    if (!Array.isArray(item) || item.length === 0) {
      yield `\n  ${JSON.stringify(key)}: ${indented(item, '  ')}${comma}`;
      continue;
    }
    yield `\n  ${JSON.stringify(key)}: [`;
    for (const [position, element] of item.entries()) yield `\n    ${indented(element, '    ')}${position < item.length - 1 ? ',' : ''}`;
    yield `\n  ]${comma}`;
  }
  yield '\n}';
}

function* withFinalNewline(pieces: Iterable<string>): Generator<string> {
  yield* pieces;
  yield '\n';
}

/** Writes the command's result, in pieces if it is large, to -o FILE or stdout. */
export async function emit(context: CommandContext, content: string | Iterable<string>): Promise<void> {
  const target = stringOption(context.values, 'output');
  const pieces = typeof content === 'string' ? [content.endsWith('\n') ? content : `${content}\n`] : batched(withFinalNewline(content));
  if (target === undefined || target === '-') {
    for (const piece of pieces) {
      await new Promise<void>((resolve, reject) => context.io.stdout.write(piece, (error) => (error ? reject(error) : resolve())));
    }
    return;
  }
  writeFileAtomic(path.resolve(context.io.cwd, target), pieces, { force: context.values.force === true });
}
