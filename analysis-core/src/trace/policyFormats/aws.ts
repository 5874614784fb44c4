/**
 * What the AWS output formats need to know about a principal and its ARNs:
 * which IAM entity it is (a policy attaches to roles, users and groups), and
 * how an account id or region in a resource ARN becomes a placeholder
 * (`${AWS::AccountId}`, `${AWS::Region}`, CloudFormation's pseudo parameters)
 * that each format then writes in its own terms.
 */
import type { PolicyDocument } from '../analyses/policy';

export const ACCOUNT_PLACEHOLDER = '${AWS::AccountId}';
export const REGION_PLACEHOLDER = '${AWS::Region}';

/** The IAM entity a principal names; `other` for anything a policy cannot be attached to by name. */
export type PrincipalKind = 'role' | 'user' | 'group' | 'other';

export interface AwsPrincipal {
  kind: PrincipalKind;
  /** The entity's friendly name (what `Roles`, `Users`, `Groups` and the attachments take), without its path. */
  name?: string;
  /** The 12-digit account of an ARN principal. */
  account?: string;
}

const ACCOUNT_ID = /^\d{12}$/;
/** us-east-1, eu-central-2, us-gov-west-1, cn-northwest-1, us-isob-east-1, ... */
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/**
 * `arn:aws:iam::123456789012:role/path/name` -> role `name`; `…:user/…`,
 * `…:group/…` likewise; `arn:aws:sts::123456789012:assumed-role/name/session`
 * -> role `name` (the role behind the session). Anything else is `other`.
 */
export function awsPrincipal(principal: string): AwsPrincipal {
  const fields = principal.split(':');
  if (fields.length < 6 || fields[0] !== 'arn') return { kind: 'other' };
  const [, , service, , account] = fields;
  const resource = fields.slice(5).join(':');
  const withAccount = ACCOUNT_ID.test(account!) ? { account: account! } : {};
  const segments = resource.split('/');
  const last = segments[segments.length - 1]!;
  if (service === 'iam' && segments.length >= 2 && last !== '') {
    const type = segments[0];
    if (type === 'role' || type === 'user' || type === 'group') return { kind: type, name: last, ...withAccount };
  }
  if (service === 'sts' && segments[0] === 'assumed-role' && segments.length >= 2 && segments[1] !== '') return { kind: 'role', name: segments[1]!, ...withAccount };
  return { kind: 'other', ...withAccount };
}

export interface TemplateOptions {
  /** Replace the principal's own account id in resource ARNs with ACCOUNT_PLACEHOLDER. */
  account?: boolean;
  /** Replace the region of resource ARNs with REGION_PLACEHOLDER (only when all of them name one region). */
  region?: boolean;
}

/** What templating did to one principal's document, for the notes on stderr. */
export interface TemplateOutcome {
  document: PolicyDocument;
  /** The account that became ACCOUNT_PLACEHOLDER, when one did. */
  account?: string;
  /** The region that became REGION_PLACEHOLDER, when one did. */
  region?: string;
  /** Why a requested placeholder was not used, in words. */
  skipped: string[];
}

/** The ARN fields of a resource pattern, or undefined for a name that is not an ARN. */
function arnFields(resource: string): string[] | undefined {
  const fields = resource.split(':');
  return fields.length >= 6 && fields[0] === 'arn' ? fields : undefined;
}

/**
 * Placeholders for the principal's account and the one region its resources
 * are in. Only the account in the ARN's account field is replaced, and only
 * when it is the principal's own: a grant in another account keeps pointing
 * there, and an empty account (S3 buckets) or `aws` (AWS managed) is left
 * alone. A region is replaced only when every resource ARN that names one
 * names the same one; otherwise grants in other regions would all point at
 * the region the policy is deployed in. Nothing else changes, so substituting
 * the values back gives the untemplated document exactly.
 */
export function templateDocument(document: PolicyDocument, principal: AwsPrincipal, options: TemplateOptions): TemplateOutcome {
  const skipped: string[] = [];
  const account = options.account === true ? principal.account : undefined;
  if (options.account === true && account === undefined) skipped.push('the principal is not an ARN with an account id, so no account is templated');
  let region: string | undefined;
  if (options.region === true) {
    const regions = new Set<string>();
    for (const statement of document.Statement) {
      for (const resource of statement.Resource) {
        const fields = arnFields(resource);
        if (fields !== undefined && fields[3] !== '') regions.add(fields[3]!);
      }
    }
    const only = regions.size === 1 ? [...regions][0]! : undefined;
    if (only !== undefined && REGION.test(only)) region = only;
    else if (regions.size > 1) skipped.push(`its resources are in ${regions.size} regions, so none is templated`);
    else if (regions.size === 1) skipped.push(`"${only}" is not a region name, so it is not templated`);
  }
  if (account === undefined && region === undefined) return { document, skipped };
  const template = (resource: string): string => {
    const fields = arnFields(resource);
    if (fields === undefined) return resource;
    if (region !== undefined && fields[3] === region) fields[3] = REGION_PLACEHOLDER;
    if (account !== undefined && fields[4] === account) fields[4] = ACCOUNT_PLACEHOLDER;
    return fields.join(':');
  };
  return {
    document: { Version: document.Version, Statement: document.Statement.map((statement) => ({ ...statement, Resource: statement.Resource.map(template) })) },
    ...(account !== undefined ? { account } : {}),
    ...(region !== undefined ? { region } : {}),
    skipped,
  };
}

/** A pattern's text split around the placeholders: literal text at even indexes, placeholders at odd ones. */
export function splitPlaceholders(text: string): string[] {
  return text.split(/(\$\{AWS::AccountId\}|\$\{AWS::Region\})/);
}

/** Whether a string holds a placeholder (an observed `${` is always escaped as `${$}{`, so it never looks like one). */
export function hasPlaceholder(text: string): boolean {
  return text.includes(ACCOUNT_PLACEHOLDER) || text.includes(REGION_PLACEHOLDER);
}

/** An IAM policy or CloudFormation description: printable Latin-1 only, at most 1,000 characters. */
export function policyDescription(text: string): string {
  return text.replace(/[^\t\n\r\u0020-\u007E\u00A1-\u00FF]/g, '?').slice(0, 1000);
}
