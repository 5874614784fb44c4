/**
 * `policy --format iam`: each principal's policy as deployable IAM policy
 * documents, within IAM's size limits (iamLimits.ts), with the limit that
 * applied and what fitting took. JSON, schema `planewise.iam/1`.
 */
import type { PrincipalPolicy } from '../analyses/policy';
import { type AwsFormatOptions, type DeployablePolicy, type FormatReport, deployablePolicies } from './deployable';

export const IAM_SCHEMA = 'planewise.iam/1';

export interface IamPrincipalJson {
  principal: string;
  limit: DeployablePolicy['fitted']['limit'];
  fit: DeployablePolicy['fitted']['fit'];
  fits: boolean;
  templated: DeployablePolicy['templated'];
  documents: { characters: number; policy: DeployablePolicy['fitted']['documents'][number] }[];
}

export function iamPrincipalJson(deployable: DeployablePolicy): IamPrincipalJson {
  const { fitted } = deployable;
  return {
    principal: deployable.principal,
    limit: fitted.limit,
    fit: fitted.fit,
    fits: fitted.fits,
    templated: deployable.templated,
    documents: fitted.documents.map((policy, index) => ({ characters: fitted.characters[index]!, policy })),
  };
}

const indented = (value: unknown, indent: string) => JSON.stringify(value, null, 2).replaceAll('\n', `\n${indent}`);

/**
 * The output object as JSON.stringify(value, null, 2) writes it, a principal
 * at a time: `head` members, then `principals`, then `tail` members.
 */
export function* iamJson(policies: Iterable<PrincipalPolicy>, options: AwsFormatOptions, report: FormatReport, tail: Record<string, unknown> = {}): Generator<string> {
  const head = { schema: IAM_SCHEMA, target: options.iamTarget, template: { account: options.template.account === true, region: options.template.region === true } };
  yield '{';
  for (const [key, value] of Object.entries(head)) yield `\n  ${JSON.stringify(key)}: ${indented(value, '  ')},`;
  yield '\n  "principals": [';
  let first = true;
  for (const deployable of deployablePolicies(policies, options, report)) {
    yield `${first ? '' : ','}\n    ${indented(iamPrincipalJson(deployable), '    ')}`;
    first = false;
  }
  yield first ? ']' : '\n  ]';
  for (const [key, value] of Object.entries(tail)) yield `,\n  ${JSON.stringify(key)}: ${indented(value, '  ')}`;
  yield '\n}\n';
}
