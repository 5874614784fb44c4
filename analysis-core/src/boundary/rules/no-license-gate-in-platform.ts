/**
 * The trust test: license, tier, plan and entitlement checks do not belong in
 * data- or control-plane code. Worst when the gate decides authorization or
 * whether traces are emitted ("premium tracing", "licensed enforcement").
 * Domain data is not a gate: a catalogue's `product.pricingTier` read or
 * compared as data is fine; `account.plan === 'enterprise'` deciding what runs is not.
 * Gate names are matched as words (`orgHasPremiumFeature`, `throwIfNoEntitlement`),
 * so pub/sub subscriptions, ORM models, `isPlan()` type guards and vendor keys
 * (`NEW_RELIC_LICENSE_KEY`) are not gates.
 */
import { ts } from '../compiler';
import { z } from 'zod';
import { codeSnippet } from '../messageText';
import { isPlatform } from '../planes';
import { defineRule } from '../rule';
import { walkSyntax } from '../syntaxWalk';
import { identifierWords } from '../words';

/** Words that ask a question or demand an answer: the verb of a gate. */
const GATE_VERBS = new Set(['is', 'has', 'have', 'check', 'verify', 'validate', 'require', 'requires', 'assert', 'throw', 'ensure', 'can', 'allowed', 'licensed']);
/** Nouns that make the question about the customer's license, wherever they stand after the verb. */
const GATE_NOUNS = new Set(['premium', 'entitlement', 'entitlements', 'entitled', 'license', 'licence', 'licensed', 'paywall', 'paid', 'trial', 'edition']);
/** Tier names that are gates only as the name's last word or before a word about plans (`isEnterprise`, `isProPlan`, not `isEnterpriseSso`). */
const TIER_NOUNS = new Set(['enterprise', 'pro', 'oss', 'business']);
const TIER_FOLLOWERS = new Set(['plan', 'tier', 'feature', 'features', 'license', 'edition', 'only', 'customer', 'account', 'org', 'organization', 'user', 'version', 'instance']);
/** Framework prefixes of environment variable names, which say nothing about whose key it is. */
const ENV_PREFIXES = new Set(['next', 'public', 'private', 'vite', 'react', 'app', 'nuxt', 'expo', 'has', 'is']);
/** Segments before `.flags` that make the flags a plan's or a claim's (`organisationClaim.flags.embedSigning`). */
const PLAN_HOLDERS = new Set(['claim', 'claims', 'plan', 'plans', 'subscription', 'license', 'licence', 'entitlement', 'entitlements', 'tier']);

/** `orgHasPremiumFeature`, `throwIfNoEntitlement`, `isPro`; not `isFeatureStale`, `isPlan`, `isEnterpriseSso`, `isProductSide`. */
export function isGateName(name: string): boolean {
  const words = identifierWords(name);
  const verb = words.findIndex((word) => GATE_VERBS.has(word));
  if (verb === -1) return false;
  return words.some((word, index) => {
    if (index < verb || (index === verb && word !== 'licensed')) return false;
    if (GATE_NOUNS.has(word)) return true;
    return TIER_NOUNS.has(word) && (index === words.length - 1 || TIER_FOLLOWERS.has(words[index + 1]!));
  });
}

/** A license env var of this product (`LICENSE_KEY`, `NEXT_PRIVATE_ACME_LICENSE_KEY`), not a vendor's (`NEW_RELIC_LICENSE_KEY`). */
function namesOwnLicense(name: string, projectWords: ReadonlySet<string>): boolean {
  const words = identifierWords(name);
  const at = words.findIndex((word) => word === 'license' || word === 'licence' || word === 'entitlement' || word === 'entitlements' || word === 'edition');
  if (at === -1) return false;
  return words.slice(0, at).every((word) => ENV_PREFIXES.has(word) || projectWords.has(word));
}

export const DEFAULT_LICENSE_GATE_OPTIONS = {
  /** More names of gate functions; gate words (a verb like has/is/check/throw, then premium/entitlement/license/...) are always matched. */
  gateFunctions: [] as string[],
  licenseObjects: '^(licen[cs]e|licensing|entitlements?)(Client|Service|Manager|Api|Checker|Validator)?$',
  tierProperties: '^(tier|plan|edition|licen[cs]e\\w*|subscription\\w*|entitlements?|sku)$',
  /** Path segments that make a tier comparison about the caller or the installation, not about domain data. */
  gateSubjects: 'licen[cs]e|subscription|entitlement|edition|account|tenant|org|organi[sz]ation|customer|user|workspace|installation|deployment|config|settings|plan|tier',
  tierValues: ['enterprise', 'premium', 'pro', 'business', 'paid', 'free', 'trial', 'team', 'plus', 'starter', 'growth', 'ultimate'],
  envPattern: 'ENTERPRISE|(^|_)(PLAN|TIER)(_|$)',
  premiumFlags: '^(is|has|enable|enabled|use|allow)?_?(premium|enterprise|licensed|paid|oss)([A-Z_]\\w*)?$',
};

const optionsSchema = z.strictObject({
  gateFunctions: z.array(z.string()).optional().describe('More regular expressions for the names of functions that check a license or plan (names made of gate words always are).'),
  licenseObjects: z.string().optional().describe('Regular expression for license objects whose checking methods are gates (license.verify(), not license.start()).'),
  tierProperties: z.string().optional().describe('Regular expression for property names holding a tier or plan.'),
  gateSubjects: z.string().optional().describe('Regular expression for path segments that make a tier comparison a gate rather than domain data.'),
  tierValues: z.array(z.string()).optional().describe('Tier names that make a comparison a gate.'),
  envPattern: z.string().optional().describe('Regular expression for more environment variable names that carry license data (this product\'s LICENSE_KEY always does, a vendor\'s NEW_RELIC_LICENSE_KEY never).'),
  premiumFlags: z.string().optional().describe('Regular expression for flag names that switch on paid features.'),
});
type Options = z.infer<typeof optionsSchema>;

const AUTHORIZATION = /authori[sz]|permission|permit|\bcan[A-Z]|enforce|polic|rbac|acl|allow|deny|guard|access/i;
const TRACE_EMISSION = /span|trac(e|er|ing)|emit|telemetry|otel|audit|addEvent/i;

/** `a.b["c"]().d` -> ["a", "b", "c", "d"]; a loop, since member chains are as long as the input. */
function pathOf(node: ts.Expression): string[] | undefined {
  const tail: string[] = [];
  let current = node;
  for (;;) {
    if (ts.isIdentifier(current)) return [current.text, ...tail.reverse()];
    if (ts.isPropertyAccessExpression(current)) {
      tail.push(current.name.text);
      if (current.expression.kind === ts.SyntaxKind.ThisKeyword) return ['this', ...tail.reverse()];
      current = current.expression;
    } else if (ts.isElementAccessExpression(current) && ts.isStringLiteral(current.argumentExpression)) {
      tail.push(current.argumentExpression.text);
      current = current.expression;
    } else if (ts.isCallExpression(current) || ts.isNonNullExpression(current) || ts.isParenthesizedExpression(current)) {
      current = current.expression;
    } else {
      return undefined;
    }
  }
}

function calleeName(node: ts.Expression): string | undefined {
  if (ts.isIdentifier(node)) return node.text;
  if (ts.isPropertyAccessExpression(node)) return node.name.text;
  return undefined;
}

/** What the gate decides: judged from the statement it guards, the function it sits in and the module's path. */
function gatedContext(node: ts.Node, source: ts.SourceFile, modulePath: string): 'authorization' | 'trace emission' | undefined {
  let guarded: string | undefined;
  let current: ts.Node = node;
  while (current.parent !== undefined) {
    const parent: ts.Node = current.parent;
    if ((ts.isIfStatement(parent) && parent.expression === current) || (ts.isConditionalExpression(parent) && parent.condition === current)) {
      guarded = parent.getText(source).slice(current.getText(source).length);
      break;
    }
    if (ts.isBinaryExpression(parent) && (parent.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken || parent.operatorToken.kind === ts.SyntaxKind.BarBarToken) && parent.left === current) {
      guarded = parent.right.getText(source);
      break;
    }
    if (ts.isFunctionLike(parent) || ts.isSourceFile(parent)) break;
    current = parent;
  }
  let fn: ts.Node | undefined = node.parent;
  while (fn !== undefined && !ts.isFunctionLike(fn)) fn = fn.parent;
  const fnName = fn !== undefined && 'name' in fn && fn.name !== undefined ? (fn.name as ts.Node).getText(source) : '';
  // The nearest evidence wins: what the gate guards, then the function, then the module.
  for (const text of [guarded ?? '', fnName, modulePath]) {
    if (AUTHORIZATION.test(text)) return 'authorization';
    if (TRACE_EMISSION.test(text)) return 'trace emission';
  }
  return undefined;
}

const LICENSE_WORDS = new Set(['license', 'licence', 'licenses', 'licences', 'entitlement', 'entitlements']);
const namesLicense = (name: string): boolean => identifierWords(name).some((word) => LICENSE_WORDS.has(word));

/** The whole condition a node is an operand of: up through `!`, parentheses, `&&` and `||`. */
function wholeCondition(node: ts.Node): ts.Node {
  let current = node;
  while (ts.isPrefixUnaryExpression(current.parent) || ts.isParenthesizedExpression(current.parent) || (ts.isBinaryExpression(current.parent) && [ts.SyntaxKind.AmpersandAmpersandToken, ts.SyntaxKind.BarBarToken].includes(current.parent.operatorToken.kind))) {
    current = current.parent;
  }
  return current;
}

/**
 * `if (org.licenseKey || process.env.LICENSE_KEY) licenseData = await licenseInit(…)`:
 * a condition whose branch only loads or refreshes the license decides
 * nothing else. Every call in the branch and every name it assigns must be
 * about the license, and there is no else branch.
 */
function guardsOnlyLicenseHandling(node: ts.Node): boolean {
  const current = wholeCondition(node);
  const statement = current.parent;
  if (!ts.isIfStatement(statement) || statement.expression !== current || statement.elseStatement !== undefined) return false;
  const body = statement.thenStatement;
  let onlyLicense = true;
  let handles = false;
  walkSyntax(body, (child) => {
    if (!onlyLicense) return false;
    if (ts.isReturnStatement(child) || ts.isThrowStatement(child)) onlyLicense = false;
    else if (ts.isCallExpression(child)) {
      const name = calleeName(child.expression);
      onlyLicense = name !== undefined && namesLicense(name);
      handles = true;
    } else if (ts.isBinaryExpression(child) && child.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const target = ts.isIdentifier(child.left) ? child.left.text : ts.isPropertyAccessExpression(child.left) ? child.left.name.text : undefined;
      onlyLicense = target !== undefined && namesLicense(target);
    }
    return onlyLicense;
  });
  return onlyLicense && handles;
}

interface CompiledPatterns {
  gateFunctions: RegExp[];
  licenseObjects: RegExp;
  tierProperties: RegExp;
  gateSubjects: RegExp;
  tierValues: Set<string>;
  envPattern: RegExp;
  premiumFlags: RegExp;
}

const compiledCache = new WeakMap<Options, CompiledPatterns>();

/** Compiled once per options object: rules run once per file. */
function compiled(given: Options): CompiledPatterns {
  const cached = compiledCache.get(given);
  if (cached !== undefined) return cached;
  const options = { ...DEFAULT_LICENSE_GATE_OPTIONS, ...given };
  const patterns: CompiledPatterns = {
    gateFunctions: options.gateFunctions.map((pattern) => new RegExp(pattern)),
    licenseObjects: new RegExp(options.licenseObjects, 'i'),
    tierProperties: new RegExp(options.tierProperties, 'i'),
    gateSubjects: new RegExp(options.gateSubjects, 'i'),
    tierValues: new Set(options.tierValues.map((value) => value.toLowerCase())),
    envPattern: new RegExp(options.envPattern, 'i'),
    premiumFlags: new RegExp(options.premiumFlags, 'i'),
  };
  compiledCache.set(given, patterns);
  return patterns;
}

export const noLicenseGateInPlatform = defineRule({
  meta: {
    id: 'no-license-gate-in-platform',
    appliesTo: 'platform',
    defaultSeverity: 'error',
    docs: {
      description: 'License, tier, plan and entitlement checks do not belong in data- or control-plane code; worst when they gate authorization or trace emission.',
      page: 'docs/rules/no-license-gate-in-platform.md',
    },
    fixable: false,
    // Why each is wrong and what to do instead is on the docs page.
    messages: {
      gate: 'License gate in {plane}-plane code: {what}',
      gateAuthorization: 'License gate on authorization in {plane}-plane code: {what}',
      gateTraceEmission: 'License gate on trace emission in {plane}-plane code: {what}',
    },
  },
  optionsSchema,
  defaultOptions: {} as Options,
  check(context) {
    if (!isPlatform(context.plane)) return;
    const { gateFunctions, licenseObjects, tierProperties, gateSubjects, tierValues, envPattern, premiumFlags } = compiled(context.options);
    const source = context.source.compilerNode;
    const plane = context.plane.plane!;
    const counts = new Map<string, number>();

    const report = (node: ts.Node, what: string): void => {
      if (guardsOnlyLicenseHandling(node)) return;
      const gated = gatedContext(node, source, context.project.relative(context.file));
      const messageId = gated === 'authorization' ? 'gateAuthorization' : gated === 'trace emission' ? 'gateTraceEmission' : 'gate';
      const start = node.getStart(source);
      context.report({
        messageId,
        data: { plane, what: codeSnippet(what) },
        range: { start: source.getLineAndCharacterOfPosition(start), end: source.getLineAndCharacterOfPosition(node.getEnd()) },
        key: `${what}:${counts.get(what) ?? 0}`,
      });
      counts.set(what, (counts.get(what) ?? 0) + 1);
    };

    const isConditionOperand = (node: ts.Node): boolean => {
      const current = wholeCondition(node);
      const parent = current.parent;
      return ((ts.isIfStatement(parent) || ts.isWhileStatement(parent)) && parent.expression === current) || (ts.isConditionalExpression(parent) && parent.condition === current);
    };

    const projectWords = new Set(identifierWords(context.project.packageName() ?? ''));
    const isTierComparison = (subject: ts.Expression, value: string): boolean => {
      if (!tierValues.has(value.toLowerCase())) return false;
      const path = pathOf(subject);
      const last = path?.[path.length - 1];
      return path !== undefined && last !== undefined && tierProperties.test(last) && (path.length === 1 || path.slice(0, -1).some((segment) => gateSubjects.test(segment)));
    };

    /** False when the node is reported: its parts are not reported again. */
    const visit = (node: ts.Node): boolean => {
      if (ts.isCallExpression(node)) {
        const name = calleeName(node.expression);
        const receiver = ts.isPropertyAccessExpression(node.expression) ? pathOf(node.expression.expression) : undefined;
        if (name !== undefined && (isGateName(name) || gateFunctions.some((pattern) => pattern.test(name)))) {
          report(node, `${node.expression.getText(source)}()`);
          return false;
        }
        // license.verify() asks; license.start() or LicenseClient.getInstance() only handles the license.
        if (receiver !== undefined && name !== undefined && licenseObjects.test(receiver[receiver.length - 1]!) && GATE_VERBS.has(identifierWords(name)[0] ?? '')) {
          report(node, `${node.expression.getText(source)}()`);
          return false;
        }
      }
      if ((ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) && !ts.isPropertyAccessExpression(node.parent)) {
        const path = pathOf(node);
        const variable = path !== undefined && path[0] === 'process' && path[1] === 'env' ? path[2] : undefined;
        if (variable !== undefined && (namesOwnLicense(variable, projectWords) || envPattern.test(variable))) {
          report(node, `process.env.${variable}`);
          return false;
        }
      }
      if (ts.isBinaryExpression(node) && [ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.EqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsToken].includes(node.operatorToken.kind)) {
        const [subject, value] = ts.isStringLiteralLike(node.right) ? [node.left, node.right] : ts.isStringLiteralLike(node.left) ? [node.right, node.left] : [undefined, undefined];
        if (subject !== undefined && value !== undefined && isTierComparison(subject, value.text)) {
          report(node, node.getText(source));
          return false;
        }
      }
      // switch (account.plan) { case 'enterprise': ... }
      if (ts.isSwitchStatement(node) && node.caseBlock.clauses.some((clause) => ts.isCaseClause(clause) && ts.isStringLiteralLike(clause.expression) && isTierComparison(node.expression, clause.expression.text))) {
        report(node.expression, `switch (${node.expression.getText(source)})`);
      }
      if ((ts.isIdentifier(node) || ts.isPropertyAccessExpression(node)) && isConditionOperand(node)) {
        const name = ts.isIdentifier(node) ? node.text : node.name.text;
        const path = ts.isPropertyAccessExpression(node) ? pathOf(node) : undefined;
        const flags = path?.lastIndexOf('flags') ?? -1;
        const planFlag = path !== undefined && flags > 0 && flags < path.length - 1 && path.slice(0, flags).some((segment) => identifierWords(segment).some((word) => PLAN_HOLDERS.has(word)));
        if (premiumFlags.test(name) || planFlag) {
          report(node, node.getText(source));
          return false;
        }
      }
      return true;
    };
    walkSyntax(source, visit);
  },
});
