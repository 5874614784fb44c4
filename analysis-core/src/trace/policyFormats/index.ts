/**
 * The policy output formats beyond the command's own text and JSON: each has
 * a module of its own in this folder, and one entry here naming it for
 * `planewise policy --format`.
 */
import type { PrincipalPolicy } from '../analyses/policy';
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
  name: string;
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

export const POLICY_FORMATS: readonly PolicyFormat[] = [
  {
    name: 'iam',
    help: 'IAM policy documents within IAM size limits (JSON, schema "planewise.iam/1")',
    cloud: 'aws',
    choosesIamTarget: true,
    render: (run) => iamJson(run.policies, run.aws, run.report, run.trailer),
  },
  {
    name: 'cloudformation',
    help: 'a CloudFormation template of AWS::IAM::ManagedPolicy resources (JSON)',
    cloud: 'aws',
    choosesIamTarget: false,
    render: (run) => cloudFormationTemplate(run.policies, run.aws, run.report),
  },
  {
    name: 'terraform',
    help: 'aws_iam_policy_document data sources and aws_iam_policy resources (.tf.json)',
    cloud: 'aws',
    choosesIamTarget: false,
    render: (run) => terraformJson(run.policies, run.aws, run.report),
  },
  {
    name: 'terraform-hcl',
    help: 'the same in Terraform\'s native syntax (.tf)',
    cloud: 'aws',
    choosesIamTarget: false,
    render: (run) => terraformHcl(run.policies, run.aws, run.report),
  },
  {
    name: 'k8s-rbac',
    help: 'Roles, ClusterRoles and their bindings as YAML for the Kubernetes principals, others skipped with a note; --wildcard-threshold N drops resourceNames past N',
    cloud: 'kubernetes',
    choosesIamTarget: false,
    ownGeneralization: true,
    render: (run) => k8sRbacYaml(run.policies, { wildcardThreshold: run.wildcardThreshold }, run.report.note),
  },
];
