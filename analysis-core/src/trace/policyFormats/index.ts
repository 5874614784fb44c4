/**
 * The policy output formats beyond the command's own text and JSON: each has
 * a module of its own in this folder, and one entry here naming it for
 * `planewise policy --format`.
 */
import { type PolicyAccumulator, type PrincipalPolicy, principalPolicies } from '../analyses/policy';
import { POLICY_FORMAT_CATALOG, type PolicyFormatName } from './catalog';
import { cloudFormationTemplate } from './cloudformation';
import type { AwsFormatOptions, FormatReport } from './deployable';
import { iamJson } from './iam';
import { k8sRbacYaml } from './k8sRbac';
import { terraformHcl, terraformJson } from './terraform';

export type { AwsFormatOptions, FormatReport } from './deployable';

export interface PolicyFormatRun {
  policies: Iterable<PrincipalPolicy>;
  aws: AwsFormatOptions;
  /** `--wildcard-threshold`, for a format with its own generalization. */
  wildcardThreshold: number | undefined;
  report: FormatReport;
  /** Members a JSON output with a `schema` ends with (`inputs`, `issues`); formats meant to deploy leave them out. */
  trailer: Record<string, unknown>;
}

export interface PolicyFormat {
  name: PolicyFormatName;
  /** How pickers name it. */
  label: string;
  /** The end of a file name holding its output. */
  fileSuffix: string;
  /** For `policy --help`, one or two lines. */
  help: string;
  /** Whose policies it writes: AWS formats take --template-account and --template-region. */
  cloud: 'aws' | 'kubernetes';
  /** Whether --iam-target applies (the others always write managed policies). */
  choosesIamTarget: boolean;
  /** It applies --wildcard-threshold itself, in its own terms, to the policies as observed. */
  ownGeneralization?: true;
  render(run: PolicyFormatRun): Iterable<string>;
}

const catalogEntry = (name: PolicyFormatName) => POLICY_FORMAT_CATALOG.find((entry) => entry.name === name)!;

export const POLICY_FORMATS: readonly PolicyFormat[] = [
  {
    ...catalogEntry('iam'),
    help: 'IAM policy documents within IAM size limits (JSON, schema "planewise.iam/1")',
    cloud: 'aws',
    choosesIamTarget: true,
    render: (run) => iamJson(run.policies, run.aws, run.report, run.trailer),
  },
  {
    ...catalogEntry('cloudformation'),
    help: 'a CloudFormation template of AWS::IAM::ManagedPolicy resources (JSON)',
    cloud: 'aws',
    choosesIamTarget: false,
    render: (run) => cloudFormationTemplate(run.policies, run.aws, run.report),
  },
  {
    ...catalogEntry('terraform'),
    help: 'aws_iam_policy_document data sources and aws_iam_policy resources (.tf.json)',
    cloud: 'aws',
    choosesIamTarget: false,
    render: (run) => terraformJson(run.policies, run.aws, run.report),
  },
  {
    ...catalogEntry('terraform-hcl'),
    help: 'the same in Terraform\'s native syntax (.tf)',
    cloud: 'aws',
    choosesIamTarget: false,
    render: (run) => terraformHcl(run.policies, run.aws, run.report),
  },
  {
    ...catalogEntry('k8s-rbac'),
    help: 'Roles, ClusterRoles and their bindings as YAML for the Kubernetes principals, others skipped with a note; --wildcard-threshold N drops resourceNames past N',
    cloud: 'kubernetes',
    choosesIamTarget: false,
    ownGeneralization: true,
    render: (run) => k8sRbacYaml(run.policies, { wildcardThreshold: run.wildcardThreshold }, run.report.note),
  },
];

/** The format named `name`, if there is one. */
export function policyFormat(name: string): PolicyFormat | undefined {
  return POLICY_FORMATS.find((format) => format.name === name);
}

/**
 * A format's whole output as one text, with the notes and problems it
 * reported, for the editor's commands (the CLI streams instead). Managed
 * policies, nothing templated: the defaults of `planewise policy`.
 */
export function renderPolicyFormat(format: PolicyFormat, accumulator: PolicyAccumulator, options: { wildcardThreshold?: number }): { text: string; notes: string[]; problems: string[] } {
  const notes: string[] = [];
  const problems: string[] = [];
  const policies = principalPolicies(accumulator, format.ownGeneralization === true ? {} : options);
  const aws: AwsFormatOptions = { iamTarget: 'managed', template: { account: false, region: false } };
  const pieces = format.render({ policies, aws, wildcardThreshold: options.wildcardThreshold, report: { note: (line) => notes.push(line), problem: (line) => problems.push(line) }, trailer: {} });
  return { text: [...pieces].join(''), notes, problems };
}
