/**
 * What every `planewise` subcommand is: its name, help and options, and a
 * `run` that returns the exit code. Commands never call process.exit and never
 * touch process.stdout directly, so tests can run them in-process too.
 */
import type { Readable, Writable } from 'node:stream';
import type { ParseArgsConfig } from 'node:util';

export const EXIT_OK = 0;
/** The command ran and found something: invalid lines, drift, boundary errors. */
export const EXIT_FINDINGS = 1;
/** Bad usage or input that could not be read at all. */
export const EXIT_USAGE = 2;

export interface Io {
  stdin: Readable;
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;
export type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface CommandContext {
  io: Io;
  positionals: string[];
  values: OptionValues;
}

export interface Command {
  name: string;
  /** One line for `planewise --help`. */
  summary: string;
  /** The full `planewise <name> --help` text, options included. */
  help: string;
  options: OptionSpec;
  run(context: CommandContext): Promise<number>;
}

/** Thrown for bad usage; main prints the message and exits with EXIT_USAGE. */
export class UsageError extends Error {}

/** Input that exists but cannot be read; main prints the message on one line and exits with EXIT_USAGE. */
export class InputError extends Error {}
/** An output that could not be written; main prints the one-line message and exits with EXIT_USAGE. */
export class OutputError extends Error {}

export function stringOption(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

export function formatOption<T extends string>(values: OptionValues, allowed: readonly T[], fallback: T): T {
  const value = stringOption(values, 'format') ?? fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`--format must be one of ${allowed.join(', ')} (got "${value}")`);
  }
  return value as T;
}
