/** `planewise policy`: least-privilege IAM-style policies from observed decisions. */
import { POLICY_SCHEMA, type PrincipalPolicy, principalPolicies } from '../../trace';
import { type Command, type CommandContext, EXIT_FINDINGS, EXIT_OK, formatOption, stringOption, UsageError } from '../command';
import { JsonArray, jsonPieces } from '../jsonStream';
import { OUTPUT_HELP, OUTPUT_OPTIONS, emit } from '../output';
import { inertText } from '../../trace/inertText';
import { styleFor } from '../style';
import { type AwsFormatOptions, POLICY_FORMATS, type PolicyFormat } from '../../trace/policyFormats';
import { INPUTS_HELP, PRINCIPAL_LIMIT_HELP, PRINCIPAL_LIMIT_OPTIONS, STATE_HELP, STATE_OPTIONS, TRACE_INPUT_HELP, TRACE_INPUT_OPTIONS, inputExitCode, inputJson, principalScope, printIssues, readDigest, worstExit } from '../traceInput';

export const POLICY_OPTIONS = {
  'wildcard-threshold': { type: 'string' },
  principal: { type: 'string', multiple: true },
  ...PRINCIPAL_LIMIT_OPTIONS,
} as const;

export const POLICY_OPTIONS_HELP = `      --wildcard-threshold N  generalize: when more than N distinct allowed resources
                          share a parent prefix P (up to the last '/') for one
                          principal and action, grant P* instead, unless a denied
                          resource also starts with P (default: no wildcards)
      --principal NAME    only this principal (repeatable)
${PRINCIPAL_LIMIT_HELP}`;

export const AWS_FORMAT_OPTIONS = {
  'iam-target': { type: 'string' },
  'template-account': { type: 'boolean' },
  'template-region': { type: 'boolean' },
} as const;

/** `name: help`, wrapped at 80 columns under the options' descriptions. */
function formatHelp(format: PolicyFormat): string {
  const lines: string[] = [];
  let line = `                          ${format.name}:`;
  for (const word of format.help.split(' ')) {
    if (line.length + 1 + word.length > 80) {
      lines.push(line);
      line = `                            ${word}`;
    } else {
      line += ` ${word}`;
    }
  }
  return [...lines, line].join('\n');
}

const FORMAT_HELP = POLICY_FORMATS.map(formatHelp).join('\n');

export const AWS_FORMAT_HELP = `      --iam-target managed|inline
                          with --format iam: fit each principal's policy into
                          managed policies (6,144 characters each, split when
                          needed; the default) or its inline policies (10,240
                          characters in all per role, 2,048 per user, 5,120 per
                          group); whitespace is not counted
      --template-account  write the principal's own account id in resource
                          ARNs as \${AWS::AccountId} (iam, cloudformation and
                          terraform formats)
      --template-region   write the region of resource ARNs as \${AWS::Region}
                          when all of a principal's resources are in one region`;

/** The AWS formats' options, refused where they would be ignored. */
export function awsFormatOptions(context: CommandContext, format: PolicyFormat | undefined): AwsFormatOptions {
  const target = stringOption(context.values, 'iam-target');
  if (target !== undefined && target !== 'managed' && target !== 'inline') throw new UsageError(`--iam-target must be managed or inline (got "${target}")`);
  if (target !== undefined && format?.choosesIamTarget !== true) {
    throw new UsageError(`--iam-target applies to --format ${POLICY_FORMATS.filter((candidate) => candidate.choosesIamTarget).map((candidate) => candidate.name).join(', ')}; the other AWS formats write managed policies`);
  }
  const account = context.values['template-account'] === true;
  const region = context.values['template-region'] === true;
  if ((account || region) && format?.cloud !== 'aws') {
    throw new UsageError(`--template-account and --template-region apply to --format ${POLICY_FORMATS.filter((candidate) => candidate.cloud === 'aws').map((candidate) => candidate.name).join(', ')}`);
  }
  return { iamTarget: target ?? 'managed', template: { account, region } };
}

export function policyOptions(context: CommandContext): { wildcardThreshold?: number; principals?: string[] } {
  const options: { wildcardThreshold?: number; principals?: string[] } = {};
  const threshold = context.values['wildcard-threshold'];
  if (typeof threshold === 'string') {
    const value = Number(threshold);
    if (!Number.isInteger(value) || value < 0) throw new UsageError(`--wildcard-threshold must be a whole number (got "${threshold}")`);
    options.wildcardThreshold = value;
  }
  const principals = context.values.principal;
  if (Array.isArray(principals)) options.principals = principals.map(String);
  return options;
}

/** The text output, a principal at a time (a policy per principal for millions of them never exists as one string). */
export function* policyText(policies: Iterable<PrincipalPolicy>, context: CommandContext): Generator<string> {
  const style = styleFor(context.io.stdout, context.io);
  let any = false;
  for (const entry of policies) {
    const separator = any ? '\n' : '';
    any = true;
    const parts: string[] = [];
    parts.push(style.bold(`Principal ${inertText(entry.principal)}`) + style.dim(`  (${entry.observed.allow} allowed, ${entry.observed.deny} denied decisions)`));
    // JSON.stringify escapes C0 controls but not DEL, C1 or bidi characters; the escapes inertText adds are valid JSON too.
    parts.push(JSON.stringify(entry.policy, null, 2).split('\n').map(inertText).join('\n'));
    for (const [reason, denied] of [['explicit', entry.denied.explicit], ['implicit', entry.denied.implicit]] as const) {
      if (denied.length === 0) continue;
      parts.push(style.yellow(`Denied (${reason}), never granted:`));
      for (const deny of denied) parts.push(`  ${inertText(deny.action)} ${inertText(deny.resource)}  x${deny.count}${deny.alsoAllowed ? style.dim('  (also allowed at other times: granted)') : ''}`);
    }
    yield `${separator}${parts.join('\n')}\n`;
  }
  if (!any) yield 'No authorization decisions in the input: no policy to generate.';
}

export const policy: Command = {
  name: 'policy',
  summary: 'least-privilege IAM-style policy per principal from observed decisions',
  help: `Usage: planewise policy [options] <files|dirs|globs|->

Generates one IAM-style policy document per principal from the allowed
decisions in the traces: only what was observed is granted, actions with the
same resources share a statement, and denied decisions are listed apart
(explicit and implicit) and never granted. Traces from many runs merge.

${INPUTS_HELP}

Options:
      --format FORMAT     output format:
                          text: for people (the default, also for AWS
                            principals: the output does not depend on the input)
                          json: the policies with denials (schema
                            "${POLICY_SCHEMA}")
${FORMAT_HELP}
${POLICY_OPTIONS_HELP}
${AWS_FORMAT_HELP}
${OUTPUT_HELP}
${TRACE_INPUT_HELP}
${STATE_HELP}
  -h, --help              show this help

The AWS formats report on stderr which IAM limit applied and what fitting
took (statements merged, documents split); a principal that cannot fit
(inline policies over the total, one action on one resource longer than a
managed policy) is named there and makes the exit code 1, as does a
CloudFormation template over CloudFormation's quotas.

Exit codes: 0 ok, 1 invalid lines were skipped or a policy does not fit,
2 usage or unreadable input.`,
  options: { format: { type: 'string' }, ...POLICY_OPTIONS, ...AWS_FORMAT_OPTIONS, ...OUTPUT_OPTIONS, ...STATE_OPTIONS, ...TRACE_INPUT_OPTIONS },
  async run(context) {
    const format = formatOption(context.values, ['text', 'json', ...POLICY_FORMATS.map((candidate) => candidate.name)], 'text');
    const policyFormat = POLICY_FORMATS.find((candidate) => candidate.name === format);
    const aws = awsFormatOptions(context, policyFormat);
    const options = policyOptions(context);
    const digest = await readDigest(context, context.positionals, { summary: false, policy: true, principals: principalScope(context, options.principals) });
    printIssues(context, digest);
    // A format that generalizes in its own terms (RBAC: over names, not resource prefixes) gets the policies as observed.
    const policies = principalPolicies(digest.policy, policyFormat?.ownGeneralization === true ? { principals: options.principals } : options);
    if (policyFormat !== undefined) {
      let problems = 0;
      const report = {
        note: (line: string) => context.io.stderr.write(`planewise: ${inertText(line)}\n`),
        problem: (line: string) => {
          problems += 1;
          context.io.stderr.write(`planewise: ${inertText(line)}\n`);
        },
      };
      await emit(context, policyFormat.render({ policies, aws, wildcardThreshold: options.wildcardThreshold, report, trailer: inputJson(digest) }));
      return worstExit(inputExitCode(digest), problems > 0 ? EXIT_FINDINGS : EXIT_OK);
    }
    if (format === 'json') {
      const generalization = { wildcardThreshold: options.wildcardThreshold ?? null };
      await emit(context, jsonPieces({ schema: POLICY_SCHEMA, generalization, principals: new JsonArray(policies), ...inputJson(digest) }));
    } else {
      await emit(context, policyText(policies, context));
    }
    return inputExitCode(digest);
  },
};
