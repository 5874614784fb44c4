/**
 * Where command results go: stdout, or `-o FILE`. A write never clobbers a
 * user's file: without --force an existing target is an error, and the
 * temp-file-then-link dance makes that check race-free. Only regular files are
 * ever replaced (keeping their mode and owner); a symlink is written through
 * to its target, a FIFO or character device is written directly, and anything
 * else is refused.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { type CommandContext, OutputError, UsageError, stringOption } from './command';

export const OUTPUT_OPTIONS = {
  output: { type: 'string', short: 'o' },
  force: { type: 'boolean' },
} as const;

export const OUTPUT_HELP = `  -o, --output FILE   write the result to FILE (atomically) instead of stdout;
                      a symlink is followed, a FIFO or device is written directly
      --force         replace FILE if it already exists`;

/** The size of one write of a result given in pieces. */
const CHUNK_BYTES = 1 << 20;

/**
 * Encodes a result's pieces as UTF-8 straight into buffers of CHUNK_BYTES, so
 * a large result is written in a few big writes and never exists as one string.
 * Encoding each piece in place is about three times faster than joining the
 * pieces into a string that the write then encodes again.
 */
function* utf8Chunks(pieces: Iterable<string>): Generator<Uint8Array> {
  let chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  let used = 0;
  for (const piece of pieces) {
    // A UTF-16 code unit takes at most 3 bytes in UTF-8 (a surrogate pair takes 4 for two).
    const mostBytes = piece.length * 3;
    if (mostBytes > CHUNK_BYTES - used) {
      if (used > 0) {
        yield chunk.subarray(0, used);
        chunk = Buffer.allocUnsafe(CHUNK_BYTES);
        used = 0;
      }
      if (mostBytes > CHUNK_BYTES) {
        yield Buffer.from(piece, 'utf8');
        continue;
      }
    }
    used += chunk.write(piece, used, 'utf8');
  }
  if (used > 0) yield chunk.subarray(0, used);
}

/** Linux's limit (MAXSYMLINKS): a longer chain is a loop. */
const MAX_SYMLINK_HOPS = 40;

/** The path a write to `target` lands on: symlinks followed (dangling ones too), so the temp file goes beside the real file. */
function followSymlinks(target: string): string {
  let current = target;
  for (let hops = 0; hops < MAX_SYMLINK_HOPS; hops++) {
    let link: string;
    try {
      link = fs.readlinkSync(current);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // EINVAL: not a symlink; ENOENT: nothing there yet. Either way this is where the file goes.
      if (code === 'EINVAL' || code === 'ENOENT') return current;
      throw error;
    }
    current = path.resolve(path.dirname(current), link);
  }
  throw new OutputError(`${target}: too many levels of symbolic links`);
}

function kindOf(stat: fs.Stats): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isSocket()) return 'a socket';
  if (stat.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

/**
 * Removes `temp` if the process is interrupted while it exists, then lets the
 * signal end the process as it would have (exit status 130 or 143 in a shell).
 * Returns the function that unregisters the handlers.
 */
function removeOnSignal(temp: string): () => void {
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  const handler = (signal: NodeJS.Signals) => {
    fs.rmSync(temp, { force: true });
    unregister();
    process.kill(process.pid, signal);
  };
  const unregister = () => {
    for (const signal of signals) process.off(signal, handler);
  };
  for (const signal of signals) process.on(signal, handler);
  return unregister;
}

async function writePieces(handle: fs.promises.FileHandle, content: string | Iterable<string | Uint8Array>): Promise<void> {
  // One awaited write per piece: the event loop turns between them, so a signal is handled mid-write.
  for (const piece of typeof content === 'string' ? [content] : content) {
    if (typeof piece === 'string') await handle.write(piece);
    else for (let done = 0; done < piece.length; ) done += (await handle.write(piece, done)).bytesWritten;
  }
}

/** A FIFO or character device (a terminal, /dev/null): nothing to replace, so the bytes go straight in. */
async function writeDirect(destination: string, content: string | Iterable<string | Uint8Array>): Promise<void> {
  const handle = await fs.promises.open(destination, fs.constants.O_WRONLY | fs.constants.O_NOCTTY);
  try {
    const stat = await handle.stat();
    if (!stat.isFIFO() && !stat.isCharacterDevice()) throw new OutputError(`${destination} changed while it was opened; nothing was written`);
    await writePieces(handle, content);
  } finally {
    await handle.close();
  }
}

async function replaceAtomically(destination: string, existing: fs.Stats | undefined, content: string | Iterable<string | Uint8Array>, force: boolean, target: string): Promise<void> {
  const temp = path.join(path.dirname(destination), `.${path.basename(destination)}.${randomBytes(6).toString('hex')}.tmp`);
  const unregister = removeOnSignal(temp);
  try {
    const handle = await fs.promises.open(temp, 'wx');
    try {
      if (existing !== undefined) {
        // The replacement keeps the file's owner and mode (chown first: it clears set-id bits).
        if (process.getuid?.() === 0) await handle.chown(existing.uid, existing.gid);
        await handle.chmod(existing.mode & 0o7777);
      }
      await writePieces(handle, content);
    } finally {
      await handle.close();
    }
    if (force) {
      await fs.promises.rename(temp, destination);
    } else {
      // link() fails with EEXIST instead of replacing: no window between check and write.
      await fs.promises.link(temp, destination);
      await fs.promises.unlink(temp);
    }
  } catch (error) {
    fs.rmSync(temp, { force: true });
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new UsageError(`${target} already exists; pass --force to replace it`);
    throw error;
  } finally {
    unregister();
  }
}

/**
 * Writes `content` to `target` (see the module comment for what each kind of
 * target gets). Errors carry the target's name; no temp file outlives a
 * failure or an interrupting signal.
 */
export async function writeOutputFile(target: string, content: string | Iterable<string | Uint8Array>, options: { force: boolean }): Promise<void> {
  try {
    const destination = followSymlinks(target);
    const existing = fs.statSync(destination, { throwIfNoEntry: false });
    if (existing?.isFIFO() === true || existing?.isCharacterDevice() === true) return await writeDirect(destination, content);
    if (existing !== undefined && !existing.isFile()) throw new OutputError(`cannot write ${target}: it is ${kindOf(existing)}`);
    if (existing !== undefined && !options.force) throw new UsageError(`${target} already exists; pass --force to replace it`);
    await replaceAtomically(destination, existing, content, options.force, target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EPIPE' || error instanceof UsageError || error instanceof OutputError) throw error;
    if (code !== undefined) throw new OutputError(`cannot write ${target}: ${(error as Error).message}`);
    throw error;
  }
}

function* withFinalNewline(pieces: Iterable<string>): Generator<string> {
  yield* pieces;
  yield '\n';
}

/** Writes the command's result, in pieces if it is large, to -o FILE or stdout. */
export async function emit(context: CommandContext, content: string | Iterable<string>): Promise<void> {
  const target = stringOption(context.values, 'output');
  const pieces = typeof content === 'string' ? [content.endsWith('\n') ? content : `${content}\n`] : utf8Chunks(withFinalNewline(content));
  if (target === undefined || target === '-') {
    for (const piece of pieces) {
      await new Promise<void>((resolve, reject) => context.io.stdout.write(piece, (error) => (error ? reject(error) : resolve())));
    }
    return;
  }
  await writeOutputFile(path.resolve(context.io.cwd, target), pieces, { force: context.values.force === true });
}
