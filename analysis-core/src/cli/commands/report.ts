/** `planewise report`: a compliance report in Markdown, self-contained HTML or JSON. */
import { buildReport, detectDrift, renderHtml, renderMarkdown } from '../../trace';
import { type Command, formatOption, stringOption } from '../command';
import { OUTPUT_HELP, OUTPUT_OPTIONS, emit } from '../output';
import { INPUTS_HELP, STATE_HELP, STATE_OPTIONS, TRACE_INPUT_HELP, TRACE_INPUT_OPTIONS, inputExitCode, principalScope, printIssues, readDigest } from '../traceInput';
import { DECLARED_POLICY_HELP, readDeclaredPolicy } from './drift';
import { POLICY_OPTIONS, POLICY_OPTIONS_HELP, policyOptions } from './policy';

export const REPORT_SCHEMA = 'planewise.report/1';

export const report: Command = {
  name: 'report',
  summary: 'compliance report (Markdown, self-contained HTML or JSON)',
  help: `Usage: planewise report [options] <files|dirs|globs|->

Writes a compliance report: the input read, services and operations called,
permissions used per principal, the generated least-privilege policy, drift
against a declared policy (with --policy) and every invalid line. HTML output
is one self-contained file: inline CSS, no scripts, no remote assets.

${INPUTS_HELP}

Options:
      --format markdown|html|json  output format (default markdown; JSON schema "${REPORT_SCHEMA}")
      --title TEXT        the report's title
${DECLARED_POLICY_HELP}
${POLICY_OPTIONS_HELP}
${OUTPUT_HELP}
${TRACE_INPUT_HELP}
${STATE_HELP}
  -h, --help              show this help

Exit codes: 0 ok, 1 invalid lines were skipped, 2 usage or unreadable input.
Drift appears in the report but does not change the exit code (use
\`planewise drift\` to gate on it).`,
  options: { format: { type: 'string' }, title: { type: 'string' }, policy: { type: 'string' }, ...POLICY_OPTIONS, ...OUTPUT_OPTIONS, ...STATE_OPTIONS, ...TRACE_INPUT_OPTIONS },
  async run(context) {
    const format = formatOption(context.values, ['markdown', 'html', 'json'] as const, 'markdown');
    const options = policyOptions(context);
    const declared = readDeclaredPolicy(context, false);
    const digest = await readDigest(context, context.positionals, { summary: true, policy: true, principals: principalScope(context, options.principals) });
    printIssues(context, digest);
    const title = stringOption(context.values, 'title');
    const model = buildReport(digest, {
      policy: options,
      ...(title !== undefined ? { title } : {}),
      ...(declared !== undefined ? { drift: detectDrift(declared, digest.policy, options.principals !== undefined ? { principals: options.principals } : {}) } : {}),
    });
    const text = format === 'json' ? JSON.stringify({ schema: REPORT_SCHEMA, ...model }, null, 2) : format === 'html' ? renderHtml(model) : renderMarkdown(model);
    await emit(context, text);
    return inputExitCode(digest);
  },
};
