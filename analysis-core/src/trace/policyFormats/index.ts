/**
 * The policy output formats beyond the command's own text and JSON: each has
 * a module of its own in this folder, and one entry here naming it for
 * `planewise policy --format`.
 */
import type { PrincipalPolicy } from '../analyses/policy';
import { cloudFormationTemplate } from './cloudformation';
import type { AwsFormatOptions, FormatReport } from './deployable';
import { iamJson } from './iam';
import { terraformHcl, terraformJson } from './terraform';

export type { AwsFormatOptions, FormatReport } from './deployable';

export interface PolicyFormatRun {
  policies: Iterable<PrincipalPolicy>;
  aws: AwsFormatOptions;
  report: FormatReport;
  /** Members a JSON output with a `schema` ends with (`inputs`, `issues`); formats meant to deploy leave them out. */
  trailer: Record<string, unknown>;
}

export interface PolicyFormat {
  name: string;
  /** For `policy --help`, one or two lines. */
  help: string;
  /** Whether --iam-target applies (the others always write managed policies). */
  choosesIamTarget: boolean;
  render(run: PolicyFormatRun): Iterable<string>;
}

export const POLICY_FORMATS: readonly PolicyFormat[] = [
  {
    name: 'iam',
    help: 'IAM policy documents within IAM size limits (JSON, schema "planewise.iam/1")',
    choosesIamTarget: true,
    render: (run) => iamJson(run.policies, run.aws, run.report, run.trailer),
  },
  {
    name: 'cloudformation',
    help: 'a CloudFormation template of AWS::IAM::ManagedPolicy resources (JSON)',
    choosesIamTarget: false,
    render: (run) => cloudFormationTemplate(run.policies, run.aws, run.report),
  },
  {
    name: 'terraform',
    help: 'aws_iam_policy_document data sources and aws_iam_policy resources (.tf.json)',
    choosesIamTarget: false,
    render: (run) => terraformJson(run.policies, run.aws, run.report),
  },
  {
    name: 'terraform-hcl',
    help: 'the same in Terraform\'s native syntax (.tf)',
    choosesIamTarget: false,
    render: (run) => terraformHcl(run.policies, run.aws, run.report),
  },
];
