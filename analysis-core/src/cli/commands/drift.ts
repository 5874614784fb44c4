/** `planewise drift`: a declared policy against what the traces show. */
import fs from 'node:fs';
import path from 'node:path';
import { type DriftResult, detectDrift, driftCount, parseDeclaredPolicies } from '../../trace';
import type { DeclaredPolicies } from '../../trace';
import { type Command, type CommandContext, EXIT_FINDINGS, UsageError, formatOption, stringOption } from '../command';
import { jsonPieces } from '../jsonStream';
import { OUTPUT_HELP, OUTPUT_OPTIONS, emit } from '../output';
import { inertText } from '../../trace/inertText';
import { styleFor } from '../style';
import { table } from '../table';
import { INPUTS_HELP, PRINCIPAL_LIMIT_HELP, PRINCIPAL_LIMIT_OPTIONS, STATE_HELP, STATE_OPTIONS, TRACE_INPUT_HELP, TRACE_INPUT_OPTIONS, inputExitCode, inputJson, principalScope, printIssues, readDigest, worstExit } from '../traceInput';

export const DRIFT_SCHEMA = 'planewise.drift/1';

export const DECLARED_POLICY_HELP = `      --policy FILE       the declared policy: one IAM-style document (for every
                          principal), {"<principal>": document, ...}, or the
                          JSON output of \`planewise policy\``;

/** Reads --policy FILE; a missing or malformed file is a usage error naming it. */
export function readDeclaredPolicy(context: CommandContext, required: boolean): DeclaredPolicies | undefined {
  const file = stringOption(context.values, 'policy');
  if (file === undefined) {
    if (required) throw new UsageError('--policy FILE is required: the declared policy to compare with');
    return undefined;
  }
  let text: string;
  try {
    text = fs.readFileSync(path.resolve(context.io.cwd, file), 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read --policy ${file}: ${(error as Error).message}`);
  }
  const parsed = parseDeclaredPolicies(text, file);
  if (!parsed.ok) throw new UsageError(parsed.error);
  return parsed.policies;
}

export function driftText(drift: DriftResult, context: CommandContext): string {
  const style = styleFor(context.io.stdout, context.io);
  const count = driftCount(drift);
  const out = [count === 0 ? style.green('No drift: the declared policy matches what the traces show.') : style.bold(`${count} drift finding(s)`)];
  if (drift.unusedGrants.length > 0) {
    out.push('', style.yellow(`Unused grants, over-privilege (${drift.unusedGrants.length})`));
    out.push(table(['principal', 'statement', 'action', 'resource'], drift.unusedGrants.map((g) => [g.principal, g.sid, g.action, g.resource])));
  }
  if (drift.deniedButNeeded.length > 0) {
    out.push('', style.red(`Denied but needed (${drift.deniedButNeeded.length})`));
    out.push(table(['principal', 'action', 'resource', 'deny', 'count', 'declared'], drift.deniedButNeeded.map((g) => [g.principal, g.action, g.resource, g.reason, g.count, g.declaredVerdict]), [4]));
  }
  if (drift.usedOutsidePolicy.length > 0) {
    out.push('', style.red(`Used outside the declared policy (${drift.usedOutsidePolicy.length})`));
    out.push(table(['principal', 'action', 'resource', 'count', 'declared'], drift.usedOutsidePolicy.map((g) => [g.principal, g.action, g.resource, g.count, g.declaredVerdict]), [3]));
  }
  if (drift.undeclaredPrincipals.length > 0) out.push('', style.dim(`No declared policy for: ${drift.undeclaredPrincipals.map(inertText).join(', ')}`));
  return out.join('\n');
}

export const drift: Command = {
  name: 'drift',
  summary: 'declared IAM-style policy vs observed: unused grants, needed denials, use outside policy',
  help: `Usage: planewise drift --policy FILE [options] <files|dirs|globs|->

Compares a declared policy with the decisions in the traces and reports
grants never used (over-privilege), decisions denied that the workload
needed, and allowed actions the declared policy does not allow. Action and
Resource patterns may use * and ? (e.g. storage:Get*, storage:bucket/*);
Deny statements win over Allow, as in IAM.

${INPUTS_HELP}

Options:
${DECLARED_POLICY_HELP}
      --principal NAME    only this principal (repeatable)
${PRINCIPAL_LIMIT_HELP}
      --format text|json  output format (default text; JSON schema "${DRIFT_SCHEMA}")
${OUTPUT_HELP}
${TRACE_INPUT_HELP}
${STATE_HELP}
  -h, --help              show this help

Exit codes: 0 no drift, 1 drift found or invalid lines, 2 usage, unreadable
input or a malformed policy file.`,
  options: { format: { type: 'string' }, policy: { type: 'string' }, principal: { type: 'string', multiple: true }, ...PRINCIPAL_LIMIT_OPTIONS, ...OUTPUT_OPTIONS, ...STATE_OPTIONS, ...TRACE_INPUT_OPTIONS },
  async run(context) {
    const format = formatOption(context.values, ['text', 'json'] as const, 'text');
    const declared = readDeclaredPolicy(context, true)!;
    const principals = Array.isArray(context.values.principal) ? context.values.principal.map(String) : undefined;
    const digest = await readDigest(context, context.positionals, { summary: false, policy: true, principals: principalScope(context, principals) });
    printIssues(context, digest);
    const result = detectDrift(declared, digest.policy, principals !== undefined ? { principals } : {});
    if (format === 'json') {
      await emit(context, jsonPieces({ schema: DRIFT_SCHEMA, findings: driftCount(result), ...result, ...inputJson(digest) }));
    } else {
      await emit(context, driftText(result, context));
    }
    return worstExit(inputExitCode(digest), driftCount(result) > 0 ? EXIT_FINDINGS : 0);
  },
};
