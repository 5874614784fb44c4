/** `planewise policy`: least-privilege IAM-style policies from observed decisions. */
import { POLICY_SCHEMA, type PrincipalPolicy, principalPolicies } from '../../trace';
import { type Command, type CommandContext, formatOption, UsageError } from '../command';
import { JsonArray, jsonPieces } from '../jsonStream';
import { OUTPUT_HELP, OUTPUT_OPTIONS, emit } from '../output';
import { inertText } from '../../trace/inertText';
import { styleFor } from '../style';
import { k8sRbacYaml } from '../../trace/policyFormats/k8sRbac';
import { INPUTS_HELP, PRINCIPAL_LIMIT_HELP, PRINCIPAL_LIMIT_OPTIONS, STATE_HELP, STATE_OPTIONS, TRACE_INPUT_HELP, TRACE_INPUT_OPTIONS, inputExitCode, inputJson, principalScope, printIssues, readDigest } from '../traceInput';

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
      --format text|json|k8s-rbac
                          output format (default text; JSON schema "${POLICY_SCHEMA}";
                          k8s-rbac: Roles, ClusterRoles and their bindings as YAML
                          for the Kubernetes principals, others skipped with a note;
                          there --wildcard-threshold N drops resourceNames past N)
${POLICY_OPTIONS_HELP}
${OUTPUT_HELP}
${TRACE_INPUT_HELP}
${STATE_HELP}
  -h, --help              show this help

Exit codes: 0 ok, 1 invalid lines were skipped, 2 usage or unreadable input.`,
  options: { format: { type: 'string' }, ...POLICY_OPTIONS, ...OUTPUT_OPTIONS, ...STATE_OPTIONS, ...TRACE_INPUT_OPTIONS },
  async run(context) {
    const format = formatOption(context.values, ['text', 'json', 'k8s-rbac'] as const, 'text');
    const options = policyOptions(context);
    const digest = await readDigest(context, context.positionals, { summary: false, policy: true, principals: principalScope(context, options.principals) });
    printIssues(context, digest);
    if (format === 'k8s-rbac') {
      // RBAC generalizes over names, not resource prefixes: the threshold is applied in RBAC's terms, to concrete policies.
      const note = (line: string) => context.io.stderr.write(`planewise: ${inertText(line)}\n`);
      await emit(context, k8sRbacYaml(principalPolicies(digest.policy, { principals: options.principals }), { wildcardThreshold: options.wildcardThreshold }, note));
      return inputExitCode(digest);
    }
    const policies = principalPolicies(digest.policy, options);
    if (format === 'json') {
      const generalization = { wildcardThreshold: options.wildcardThreshold ?? null };
      await emit(context, jsonPieces({ schema: POLICY_SCHEMA, generalization, principals: new JsonArray(policies), ...inputJson(digest) }));
    } else {
      await emit(context, policyText(policies, context));
    }
    return inputExitCode(digest);
  },
};
