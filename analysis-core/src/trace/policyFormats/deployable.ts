/**
 * The step every AWS format shares: each principal's generated policy,
 * templated as asked and fitted into IAM's size limits, with the notes and
 * problems that go to stderr counted as it goes.
 */
import type { PrincipalPolicy } from '../analyses/policy';
import { type AwsPrincipal, type TemplateOptions, awsPrincipal, templateDocument } from './aws';
import { ATTACHED_POLICIES_QUOTA, type FittedPolicy, type IamTarget, fitPolicy, iamLimit } from './iamLimits';

export interface AwsFormatOptions {
  iamTarget: IamTarget;
  template: TemplateOptions;
}

/** Where a format's words for stderr go: notes inform, problems make the exit code 1. */
export interface FormatReport {
  note(line: string): void;
  problem(line: string): void;
}

export interface DeployablePolicy {
  principal: string;
  aws: AwsPrincipal;
  /** The values the placeholders stand for, when templating used them. */
  templated: { account?: string; region?: string };
  fitted: FittedPolicy;
}

/** How an observed resource named `*` is written: never a wildcard, so it grants nothing until replaced. */
const UNKNOWN_RESOURCE_PATTERN = '${*}';

/** Problems listed one per line before the rest are only counted, as with invalid input lines. */
const LISTED_PROBLEMS = 20;

const count = (value: number) => value.toLocaleString('en-US');
const counted = (value: number, noun: string) => `${count(value)} ${noun}${value === 1 ? '' : 's'}`;

/** Each principal's deployable policies, in the order given. Principals granted nothing are left out (IAM refuses an empty policy). */
export function* deployablePolicies(policies: Iterable<PrincipalPolicy>, options: AwsFormatOptions, report: FormatReport): Generator<DeployablePolicy> {
  const tally = { principals: 0, documents: 0, merged: 0, split: 0, empty: 0, unfit: 0, overQuota: 0, unknownResource: 0 };
  let templateNotes = 0;
  for (const entry of policies) {
    if (entry.policy.Statement.length === 0) {
      tally.empty += 1;
      continue;
    }
    const aws = awsPrincipal(entry.principal);
    const templated = templateDocument(entry.policy, aws, options.template);
    for (const reason of templated.skipped) if (templateNotes++ < LISTED_PROBLEMS) report.note(`${entry.principal}: ${reason}`);
    const fitted = fitPolicy(templated.document, iamLimit(options.iamTarget, aws.kind));
    tally.principals += 1;
    if (entry.policy.Statement.some((statement) => statement.Resource.includes(UNKNOWN_RESOURCE_PATTERN))) tally.unknownResource += 1;
    tally.documents += fitted.documents.length;
    if (fitted.fit === 'merged') tally.merged += 1;
    if (fitted.fit === 'split') tally.split += 1;
    if (!fitted.fits) {
      tally.unfit += 1;
      if (tally.unfit <= LISTED_PROBLEMS) report.problem(unfitReason(entry.principal, fitted));
    }
    if (options.iamTarget === 'managed' && fitted.documents.length > ATTACHED_POLICIES_QUOTA && aws.kind !== 'other') tally.overQuota += 1;
    yield { principal: entry.principal, aws, templated: { ...(templated.account !== undefined ? { account: templated.account } : {}), ...(templated.region !== undefined ? { region: templated.region } : {}) }, fitted };
  }
  if (tally.unfit > LISTED_PROBLEMS) report.problem(`...and ${counted(tally.unfit - LISTED_PROBLEMS, 'more principal')} over the limit`);
  if (templateNotes > LISTED_PROBLEMS) report.note(`...and ${counted(templateNotes - LISTED_PROBLEMS, 'more principal')} not templated as asked`);
  report.note(summary(options.iamTarget, tally));
  if (tally.unknownResource > 0) {
    report.note(`${counted(tally.unknownResource, 'principal')} ${tally.unknownResource === 1 ? 'is' : 'are'} granted actions on the resource ${UNKNOWN_RESOURCE_PATTERN}, IAM's literal "*", which matches no real resource: the traces named none (CloudTrail records without one); review and replace it`);
  }
  if (tally.overQuota > 0) {
    report.note(`${counted(tally.overQuota, 'principal')} need${tally.overQuota === 1 ? 's' : ''} more than ${ATTACHED_POLICIES_QUOTA} managed policies, the default quota of policies attached to one role, user or group (it can be raised to 20)`);
  }
}

function unfitReason(principal: string, fitted: FittedPolicy): string {
  const total = fitted.characters.reduce((sum, size) => sum + size, 0);
  if (fitted.limit.target === 'inline') {
    return `${principal}: ${count(total)} characters of inline policy even with statements merged, over the ${count(fitted.limit.characters)} allowed for ${fitted.limit.appliesTo}; splitting cannot help a total: use --iam-target managed`;
  }
  const largest = Math.max(...fitted.characters);
  return `${principal}: one action on one resource takes ${count(largest)} characters, over the ${count(fitted.limit.characters)} allowed for ${fitted.limit.appliesTo}`;
}

function summary(target: IamTarget, tally: { principals: number; documents: number; merged: number; split: number; empty: number; unfit: number }): string {
  const limit =
    target === 'managed'
      ? `IAM managed policies, at most ${count(iamLimit('managed', 'role').characters)} characters each`
      : `IAM inline policies, at most ${count(iamLimit('inline', 'role').characters)} characters in all per role (${count(iamLimit('inline', 'user').characters)} per user, ${count(iamLimit('inline', 'group').characters)} per group)`;
  const parts = [`${counted(tally.principals, 'principal')} in ${counted(tally.documents, 'document')}`];
  if (tally.merged > 0) parts.push(`${count(tally.merged)} fitted by merging statements`);
  if (tally.split > 0) parts.push(`${count(tally.split)} split`);
  if (tally.unfit > 0) parts.push(`${count(tally.unfit)} over the limit`);
  if (tally.empty > 0) parts.push(`${count(tally.empty)} granted nothing, left out`);
  return `${limit} (whitespace not counted): ${parts.join(', ')}`;
}
