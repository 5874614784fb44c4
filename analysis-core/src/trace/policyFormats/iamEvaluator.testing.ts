/**
 * For the format tests: a small IAM evaluator written from the IAM policy
 * evaluation rules (not from the generator's own matcher), and readers that
 * turn each format's output back into the IAM documents AWS would receive.
 *
 * Evaluation: a request is allowed when some Allow statement's Action and
 * Resource both match (no Deny is ever generated, and an identity policy
 * without a match denies implicitly). `*` matches any run of characters, `?`
 * one; actions compare case-insensitively, resources case-sensitively;
 * `${*}`, `${?}` and `${$}` are literal characters, and any other `${…}` in a
 * resource is a policy variable this evaluator refuses (a generated policy
 * has none).
 */
import type { PolicyDocument } from '../analyses/policy';

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
}

const patternCache = new Map<string, RegExp>();

function patternRegExp(pattern: string, ignoreCase: boolean): RegExp {
  const key = `${ignoreCase ? 'i' : 's'}${pattern}`;
  const cached = patternCache.get(key);
  if (cached !== undefined) return cached;
  let source = '';
  const chars = Array.from(pattern);
  for (let index = 0; index < chars.length; index++) {
    const char = chars[index]!;
    if (char === '$' && chars[index + 1] === '{') {
      const close = chars.indexOf('}', index + 2);
      const name = close < 0 ? undefined : chars.slice(index + 2, close).join('');
      if (name === '*' || name === '?' || name === '$') {
        source += `\\${name}`;
        index = close;
        continue;
      }
      if (name !== undefined) throw new Error(`unresolved policy variable \${${name}} in ${pattern}`);
    }
    source += char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
  }
  const regExp = new RegExp(`^${source}$`, ignoreCase ? 'isu' : 'su');
  patternCache.set(key, regExp);
  return regExp;
}

const list = (value: string | string[]) => (Array.isArray(value) ? value : [value]);

/** Whether the documents, attached together, allow `action` on `resource`. */
export function allows(documents: readonly { Statement: Statement[] }[], action: string, resource: string): boolean {
  return documents.some((document) =>
    document.Statement.some(
      (statement) =>
        statement.Effect === 'Allow' &&
        list(statement.Action).some((pattern) => patternRegExp(pattern, true).test(action)) &&
        list(statement.Resource).some((pattern) => patternRegExp(pattern, false).test(resource)),
    ),
  );
}

export interface Substitutions {
  account?: string;
  region?: string;
}

/** What CloudFormation's Fn::Sub makes of a string: `${!x}` is the literal `${x}`, pseudo parameters are replaced. */
export function resolveFnSub(template: string, values: Substitutions): string {
  return template.replace(/\$\{(!?)([^}]*)\}/g, (_, literal: string, name: string) => {
    if (literal === '!') return `\${${name}}`;
    if (name === 'AWS::AccountId' && values.account !== undefined) return values.account;
    if (name === 'AWS::Region' && values.region !== undefined) return values.region;
    throw new Error(`Fn::Sub cannot resolve \${${name}}`);
  });
}

/** A CloudFormation value with Fn::Sub resolved. */
export function resolveCloudFormation(value: unknown, values: Substitutions): unknown {
  if (Array.isArray(value)) return value.map((item) => resolveCloudFormation(item, values));
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 1 && entries[0]![0] === 'Fn::Sub') return resolveFnSub(entries[0]![1] as string, values);
    return Object.fromEntries(entries.map(([key, item]) => [key, resolveCloudFormation(item, values)]));
  }
  return value;
}

/**
 * What Terraform renders from a template string: `$${` and `%%{` are the
 * literal `${` and `%{`; `${…}` interpolates, and only the account and
 * region data sources are known here; a `%{` directive is refused.
 */
export function renderTerraformTemplate(template: string, values: Substitutions): string {
  let out = '';
  for (let index = 0; index < template.length; index++) {
    const char = template[index]!;
    const next = template[index + 1];
    if ((char === '$' || char === '%') && next === char && template[index + 2] === '{') {
      out += `${char}{`;
      index += 2;
    } else if (char === '$' && next === '{') {
      const close = template.indexOf('}', index);
      const expression = template.slice(index + 2, close);
      if (expression === 'data.aws_caller_identity.current.account_id' && values.account !== undefined) out += values.account;
      else if (expression === 'data.aws_region.current.name' && values.region !== undefined) out += values.region;
      else throw new Error(`cannot interpolate \${${expression}}`);
      index = close;
    } else if (char === '%' && next === '{') {
      throw new Error(`template directive in ${template}`);
    } else {
      out += char;
    }
  }
  return out;
}

interface TerraformJson {
  data?: { aws_iam_policy_document?: Record<string, { statement: { sid: string; effect: string; actions: string[]; resources: string[] }[] }> };
  resource?: { aws_iam_policy?: Record<string, { policy: string }> };
}

/**
 * The documents a `.tf.json` configuration gives IAM, one per aws_iam_policy:
 * its `policy` rendered, and when that names a policy document data source,
 * the document that data source makes (its strings rendered, then `&{`
 * turned into `${` as the data source does).
 */
export function terraformDocuments(config: TerraformJson, values: Substitutions): PolicyDocument[] {
  const sources = config.data?.aws_iam_policy_document ?? {};
  return Object.values(config.resource?.aws_iam_policy ?? {}).map((policy) => {
    const reference = /^\$\{data\.aws_iam_policy_document\.([A-Za-z0-9_-]+)\.json\}$/.exec(policy.policy);
    if (reference === null) return JSON.parse(renderTerraformTemplate(policy.policy, values)) as PolicyDocument;
    const source = sources[reference[1]!];
    if (source === undefined) throw new Error(`no data source ${reference[1]}`);
    const render = (text: string) => renderTerraformTemplate(text, values).replaceAll('&{', '${');
    return {
      Version: '2012-10-17',
      Statement: source.statement.map((statement) => ({ Sid: render(statement.sid), Effect: statement.effect as 'Allow', Action: statement.actions.map(render), Resource: statement.resources.map(render) })),
    };
  });
}

/** The compact JSON text's length: no whitespace between tokens, so never less than IAM counts. */
export function charactersWithoutWhitespace(document: unknown): number {
  return JSON.stringify(document).length;
}
