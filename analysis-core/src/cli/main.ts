/**
 * `planewise`: the offline engine on the command line. Parses the subcommand
 * and its options, runs it, and maps failures to the documented exit codes.
 */
// First: starts a trace worker while the rest of the bundle loads, when the arguments call for one.
import './prestartWorkers';
import { parseArgs } from 'node:util';
import { type Command, type Io, EXIT_OK, EXIT_USAGE, InputError, OutputError, UsageError } from './command';
import { commands } from './commands';
import { inertText } from '../trace/inertText';
import { PrincipalLimitError } from '../trace/analyses/policy';
import { StateOverlapError } from '../trace/state';

const VERSION = '0.1.0';

function mainHelp(): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  return [
    'planewise: boundary checks and offline trace analysis',
    '',
    'Usage: planewise <command> [options] <files|dirs|globs|->',
    '',
    'Commands:',
    ...commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    'Run `planewise <command> --help` for a command\'s options.',
    '',
    'Exit codes: 0 ok, 1 findings (invalid lines, drift, boundary errors), 2 usage or unreadable input.',
  ].join('\n');
}

function write(stream: Io['stdout'], text: string): void {
  stream.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** A failed system call (open, read, write, rename...) carries its errno name in `code` and the call in `syscall`. */
function isSystemError(error: unknown): error is NodeJS.ErrnoException {
  const { code, syscall } = error as NodeJS.ErrnoException;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) && typeof syscall === 'string';
}

/** One line on stderr: messages may echo file names and trace values, so control characters are made visible. */
function writeError(io: Io, text: string): void {
  write(io.stderr, text.split('\n').map(inertText).join('\n'));
}

export async function runCli(argv: string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    write(name === undefined ? io.stderr : io.stdout, mainHelp());
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (name === '--version' || name === '-v') {
    write(io.stdout, VERSION);
    return EXIT_OK;
  }
  const command: Command | undefined = commands.find((candidate) => candidate.name === name);
  if (command === undefined) {
    writeError(io, `planewise: unknown command "${name}"\n\n${mainHelp()}`);
    return EXIT_USAGE;
  }
  try {
    const { values, positionals } = parseArgs({
      args: rest,
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    if (values.help === true) {
      write(io.stdout, command.help);
      return EXIT_OK;
    }
    return await command.run({ io, positionals, values });
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      writeError(io, `planewise ${command.name}: ${(error as Error).message}\nRun \`planewise ${command.name} --help\` for usage.`);
      return EXIT_USAGE;
    }
    // The reader went away (`planewise policy ... | head -1`): it has what it wanted, so stop quietly, like other Unix tools.
    if ((error as NodeJS.ErrnoException).code === 'EPIPE') return EXIT_OK;
    if (error instanceof InputError || error instanceof OutputError || error instanceof PrincipalLimitError || error instanceof StateOverlapError || isSystemError(error)) {
      writeError(io, `planewise ${command.name}: ${(error as Error).message}`);
      return EXIT_USAGE;
    }
    throw error;
  }
}

if (require.main === module) {
  const io: Io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
  // A write error also reaches the write's callback, which ends the command; without a listener it would crash the process first.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
  runCli(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`planewise: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = EXIT_USAGE;
    },
  );
}
