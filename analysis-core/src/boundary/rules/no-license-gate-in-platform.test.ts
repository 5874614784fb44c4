import { runRuleTests } from '../testing/ruleTester';
import { noLicenseGateInPlatform } from './no-license-gate-in-platform';

runRuleTests(noLicenseGateInPlatform, {
  valid: [
    {
      name: 'look-alikes: stream subscriptions, ORM models, type guards, vendor keys, stale-feature checks, enterprise SSO, license reads for display',
      files: {
        'src/services/events.ts': [
          'export async function relay(db: { subscription: { findFirst(): Promise<unknown> } }, stream: { subscription?: { unsubscribe(): void } }, mode: string) {',
          '  stream.subscription?.unsubscribe();',
          '  const row = await db.subscription.findFirst();',
          '  if (isPlan(mode) && !isFeatureStale(row) && isEnterpriseSso(mode)) return process.env.NEW_RELIC_LICENSE_KEY;',
          '  const shown = LicenseClient.getInstance()?.getCachedLicense();',
          '  return shown;',
          '}',
          'declare function isPlan(value: string): value is "free" | "team";',
          'declare function isFeatureStale(row: unknown): boolean;',
          'declare function isEnterpriseSso(mode: string): boolean;',
          'declare const LicenseClient: { getInstance(): { getCachedLicense(): unknown } | undefined };',
          '',
        ].join('\n'),
      },
    },
    {
      name: 'a product catalogue: pricingTier and tier of a product are domain data',
      files: {
        'src/services/catalog.ts': [
          'interface Product { id: string; pricingTier: string; tier: string; price: number }',
          'export function describe(product: Product) {',
          "  const discount = product.pricingTier === 'enterprise' ? 0.2 : 0;",
          "  if (product.tier === 'pro') return { id: product.id, tier: product.pricingTier, price: product.price * (1 - discount) };",
          '  return { id: product.id, tier: product.pricingTier };',
          '}',
          '',
        ].join('\n'),
      },
    },
    {
      name: 'license checks in intelligence-plane and product code are fine',
      files: {
        'src/analysis/report.ts': "export function report(account: { plan: string }) {\n  if (account.plan === 'enterprise' && isPro()) return 1;\n  return process.env.LICENSE_KEY;\n}\ndeclare function isPro(): boolean;\n",
        'src/handlers/premium/export.ts': 'export const x = () => license.verify();\ndeclare const license: { verify(): boolean };\n',
      },
    },
    {
      name: 'ordinary names that look alike',
      files: {
        'src/handlers/users.ts': "export function list(user: { plan?: string; isProcessing: boolean }, env: Record<string, string>) {\n  if (user.isProcessing) return env.PLANET;\n  return process.env.PLANNER_URL ?? user.plan;\n}\n",
      },
    },
    {
      name: 'functions that merely start like a gate: isProductSide, isPropertyAccess, licenseObjects.test',
      files: {
        'src/services/checks.ts':
          "export function f(node: unknown, licenseObjects: RegExp) {\n  if (isProductSide(node) || isPropertyAccessExpression(node) || hasPlanet()) return licenseObjects.test('x');\n  return false;\n}\ndeclare function isProductSide(n: unknown): boolean;\ndeclare function isPropertyAccessExpression(n: unknown): boolean;\ndeclare function hasPlanet(): boolean;\n",
      },
    },
    {
      name: 'a branch that only loads or refreshes the license decides nothing else (a license endpoint)',
      files: {
        'src/controllers/license.ts': [
          'export async function getLicense(org: { licenseKey?: string }) {',
          '  let licenseData;',
          '  if (org.licenseKey || process.env.LICENSE_KEY) {',
          '    // Refreshed on every request to this endpoint.',
          '    licenseData = await refreshLicense(org.licenseKey);',
          '  }',
          '  return licenseData;',
          '}',
          'declare function refreshLicense(key?: string): Promise<unknown>;',
          '',
        ].join('\n'),
      },
    },
  ],
  invalid: [
    {
      name: 'a license condition whose branch does more than load the license, or has an else, is a gate',
      files: {
        'src/services/exports.ts': [
          'export async function run(org: { licenseKey?: string }) {',
          '  if (process.env.LICENSE_KEY) {',
          '    await refreshLicense(org.licenseKey);',
          '    startBulkExport();',
          '  }',
          '  if (process.env.LICENSE_KEY) await refreshLicense(org.licenseKey);',
          '  else startBulkExport();',
          '}',
          'declare function refreshLicense(key?: string): Promise<unknown>;',
          'declare function startBulkExport(): void;',
          '',
        ].join('\n'),
      },
      errors: [
        { messageId: 'gate', line: 2 },
        { messageId: 'gate', line: 6 },
      ],
    },
    {
      name: 'isPro(), license.verify(), tier comparisons, license env vars, premium flags',
      files: {
        'src/handlers/orders.ts': [
          'export function create(req: { account: { plan: string } }, config: { premiumExports: boolean }) {',
          '  if (isPro()) return 1;',
          '  license.verify();',
          "  if (req.account.plan === 'enterprise') return 2;",
          '  const key = process.env.LICENSE_KEY;',
          '  if (config.premiumExports) return key;',
          '  return 0;',
          '}',
          'declare function isPro(): boolean;',
          'declare const license: { verify(): boolean };',
          '',
        ].join('\n'),
      },
      errors: [2, 3, 4, 5, 6].map((line) => ({ messageId: 'gate', line })),
    },
    {
      name: 'worst: licensed enforcement and premium tracing',
      files: {
        'src/auth/enforce.ts': [
          'export function check(tenant: { tier: string }, principal: string) {',
          "  if (tenant.tier === 'enterprise') {",
          '    authorize(principal);',
          '  }',
          '  if (hasEntitlement(tenant, "tracing")) span.addEvent("request");',
          '}',
          'declare function authorize(p: string): void;',
          'declare function hasEntitlement(t: unknown, f: string): boolean;',
          'declare const span: { addEvent(n: string): void };',
          '',
        ].join('\n'),
      },
      errors: [
        { messageId: 'gateAuthorization', line: 2, message: "License gate on authorization in control-plane code: tenant.tier === 'enterprise'" },
        { messageId: 'gateTraceEmission', line: 5, message: 'License gate on trace emission in control-plane code: hasEntitlement()' },
      ],
    },
    {
      name: 'patterns are configurable',
      files: { 'src/gateway/route.ts': "export const r = (ctx: { seat: string }) => (canUseGold() ? 1 : ctx.seat === 'gold' ? 2 : 3);\ndeclare function canUseGold(): boolean;\n" },
      config: { rules: { 'no-license-gate-in-platform': ['error', { gateFunctions: ['^canUse'], tierProperties: '^seat$', tierValues: ['gold'], gateSubjects: 'ctx' }] } },
      errors: [
        { messageId: 'gate', line: 1 },
        { messageId: 'gate', line: 1 },
      ],
    },
      {
      name: 'gate words anywhere in a name, tier flags in ternaries and switches, enterprise env names, plan claim flags',
      files: {
        'src/services/roles.ts': [
          'export function assign(org: { plan: string }, claim: { flags: { embedSigning: boolean } }, config: { isOss: boolean }, self: { isEnterprise: boolean }) {',
          "  if (!orgHasPremiumFeature(org, 'custom-roles')) return 0;",
          "  throwIfNoEntitlement({ entitlement: 'trace-deletion' });",
          '  const mode = self.isEnterprise ? 1 : 2;',
          '  if (config.isOss) return mode;',
          '  switch (org.plan) {',
          "    case 'enterprise':",
          '      return 3;',
          '  }',
          '  if (!claim.flags.embedSigning) throw new Error("403");',
          '  return process.env.ACME_ENTERPRISE;',
          '}',
          'declare function orgHasPremiumFeature(org: unknown, feature: string): boolean;',
          'declare function throwIfNoEntitlement(options: { entitlement: string }): void;',
          '',
        ].join('\n'),
      },
      errors: [2, 3, 4, 5, 6, 10, 11].map((line) => ({ messageId: 'gate', line })),
    },
  ],
});
