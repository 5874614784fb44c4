/**
 * IAM-style policies: a request is allowed when an Allow statement matches and
 * no Deny statement does. A matching Deny is an explicit deny; no matching
 * statement at all is an implicit deny.
 */
export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: string | string[];
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

export interface AccessRequest {
  action: string;
  resource: string;
}

export type Decision =
  | { decision: 'allow'; matchedStatements: string[] }
  | { decision: 'deny'; denyReason: 'explicit' | 'implicit'; matchedStatements: string[] };

const patternCache = new Map<string, RegExp>();

/** IAM wildcards: `*` matches any run of characters, `?` exactly one. */
function wildcardMatches(pattern: string, value: string): boolean {
  let regex = patternCache.get(pattern);
  if (!regex) {
    const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    regex = new RegExp(`^${source}$`);
    patternCache.set(pattern, regex);
  }
  return regex.test(value);
}

function matchesAny(patterns: string | string[], value: string): boolean {
  return (Array.isArray(patterns) ? patterns : [patterns]).some((pattern) => wildcardMatches(pattern, value));
}

function statementMatches(statement: PolicyStatement, request: AccessRequest): boolean {
  return matchesAny(statement.Action, request.action) && matchesAny(statement.Resource, request.resource);
}

export function evaluatePolicy(policy: PolicyDocument, request: AccessRequest): Decision {
  const matching = policy.Statement.filter((statement) => statementMatches(statement, request));
  const denies = matching.filter((statement) => statement.Effect === 'Deny').map((statement) => statement.Sid);
  if (denies.length > 0) return { decision: 'deny', denyReason: 'explicit', matchedStatements: denies };
  const allows = matching.filter((statement) => statement.Effect === 'Allow').map((statement) => statement.Sid);
  if (allows.length > 0) return { decision: 'allow', matchedStatements: allows };
  return { decision: 'deny', denyReason: 'implicit', matchedStatements: [] };
}
