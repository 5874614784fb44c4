/** `planewise validate`: checks trace files against the schema, line by line. */
import { type Command, formatOption } from '../command';
import { jsonPieces } from '../jsonStream';
import { OUTPUT_HELP, OUTPUT_OPTIONS, emit } from '../output';
import { styleFor } from '../style';
import { table } from '../table';
import { INPUTS_HELP, TRACE_INPUT_HELP, TRACE_INPUT_OPTIONS, inputExitCode, inputJson, printIssues, readDigest } from '../traceInput';

export const VALIDATE_SCHEMA = 'planewise.validate/1';

export const validate: Command = {
  name: 'validate',
  summary: 'check trace files against the planewise.trace schema',
  help: `Usage: planewise validate [options] <files|dirs|globs|->

Checks every line of the traces against the planewise.trace schema (or reads
it as OTLP/JSON) and lists each invalid line on stderr as file:line: reason.
Prints per-file counts.

${INPUTS_HELP}

Options:
      --format text|json  output format (default text; JSON schema "${VALIDATE_SCHEMA}")
${OUTPUT_HELP}
${TRACE_INPUT_HELP}
  -h, --help              show this help

Exit codes: 0 every line valid, 1 invalid lines found, 2 usage or unreadable
input (including an unsupported schema version).`,
  options: { format: { type: 'string' }, ...OUTPUT_OPTIONS, ...TRACE_INPUT_OPTIONS },
  async run(context) {
    const format = formatOption(context.values, ['text', 'json'] as const, 'text');
    const digest = await readDigest(context, context.positionals, { summary: false, policy: false });
    printIssues(context, digest);
    const exit = inputExitCode(digest);
    if (format === 'json') {
      await emit(context, jsonPieces({ schema: VALIDATE_SCHEMA, valid: exit === 0, ...inputJson(digest) }));
      return exit;
    }
    const style = styleFor(context.io.stdout, context.io);
    const rows = digest.files.map((file) => [file.name, file.lines, file.events, file.invalid, file.skipped, file.warnings, file.fatal ?? '']);
    const verdict = exit === 0 ? style.green('valid') : style.red(digest.fatalFiles.length > 0 ? 'unreadable input' : `${digest.invalidLines} invalid lines`);
    await emit(context, `${table(['file', 'lines', 'events', 'invalid', 'skipped', 'warnings', 'not read'], rows, [1, 2, 3, 4, 5])}\n\n${verdict}`);
    return exit;
  },
};
