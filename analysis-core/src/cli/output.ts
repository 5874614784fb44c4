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

export function writeFileAtomic(target: string, text: string, options: { force: boolean }): void {
  const directory = path.dirname(target);
  const temp = path.join(directory, `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  fs.writeFileSync(temp, text, { flag: 'wx' });
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

/** Writes the command's result to -o FILE or stdout. */
export async function emit(context: CommandContext, text: string): Promise<void> {
  const target = stringOption(context.values, 'output');
  const body = text.endsWith('\n') ? text : `${text}\n`;
  if (target === undefined || target === '-') {
    await new Promise<void>((resolve, reject) => context.io.stdout.write(body, (error) => (error ? reject(error) : resolve())));
    return;
  }
  writeFileAtomic(path.resolve(context.io.cwd, target), body, { force: context.values.force === true });
}
