/**
 * planewise.config.json: its zod schema, the defaults used without one, and a
 * loader that never throws. Every problem (bad JSON, unknown keys, invalid
 * severities, bad rule options) becomes a Finding on the config file, and the
 * offending part falls back to its default: a broken config never turns a
 * check off.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { ts } from './compiler';
import { z } from 'zod';
import type { Finding, Range, RuleSeverity } from './types';

export const CONFIG_FILE_NAME = 'planewise.config.json';
export const CONFIG_RULE_ID = 'config';

const globList = z.array(z.string().min(1));
export const severitySchema = z.enum(['error', 'warn', 'off']);

export const planesSchema = z.strictObject({
  data: globList.optional().describe('Globs of data-plane files: request handlers, services, storage.'),
  control: globList.optional().describe('Globs of control-plane files: auth, routing, policy enforcement.'),
  intelligence: globList.optional().describe('Globs of intelligence-plane files: analyses that read artifacts after execution.'),
});

export const traceSettingsSchema = z.strictObject({
  emitter: z
    .strictObject({
      module: z.string().min(1).describe('Path of the module, relative to the config file.'),
      export: z.string().min(1).describe('Exported function called as fn(eventName: string, inputs: Record<string, unknown>).'),
    })
    .optional()
    .describe('The trace emitter the "Move analysis out of the execution path" fix calls (when the project does not use @opentelemetry/api).'),
  emitterModule: z.string().min(1).optional().describe('Where that fix creates a small emitter when there is none (default: src/tracing/emitTraceEvent.ts).'),
  postExecutionModule: z
    .string()
    .min(1)
    .optional()
    .describe('The intelligence-plane module that runs analyses from trace files after execution (default: src/analysis/postExecution.ts).'),
  lastResultsModule: z
    .string()
    .min(1)
    .optional()
    .describe('The module where the post-execution step writes, and handlers read, the last result of an analysis (the "Serve the last post-execution result" fix creates src/artifacts/lastResults.ts when there is none).'),
  artifactsDir: z.string().min(1).optional().describe('The folder, relative to where the service runs, that a created last-results module writes artifacts to (default: artifacts; PLANEWISE_ARTIFACTS_DIR overrides it at run time).'),
  filePatterns: globList.optional().describe('File names that hold trace records (default: *.trace.jsonl, *.trace.json, *.trace).'),
});

/** The sections of the file, each validated on its own so one bad section never discards the others. */
export const configSections = {
  $schema: z.string().optional(),
  planes: planesSchema.optional(),
  productPackages: globList.optional().describe('Package names or globs whose code is product (intelligence) code (default: @*/ee, @*/ee-*).'),
  productPaths: globList.optional().describe('Globs of product code in this repository (default: **/premium/**, **/enterprise/**, **/ee/**, **/*.ee.*).'),
  include: globList.optional().describe('Files to check (default: every TS/JS source file).'),
  exclude: globList.optional().describe('Files never checked, added to the built-in exclusions (node_modules, build output, tests).'),
  rules: z.record(z.string(), z.unknown()).optional(),
  trace: traceSettingsSchema.optional(),
};

export type TraceSettings = z.infer<typeof traceSettingsSchema>;

export interface RuleSetting {
  severity: RuleSeverity;
  options: unknown;
}

/** What the engine works from: the file's content with every default filled in. */
export interface ResolvedConfig {
  /** The folder globs are relative to (the config file's folder, or the root without one). */
  baseDir: string;
  file: string | undefined;
  planes: { data: string[]; control: string[]; intelligence: string[] } | undefined;
  productPackages: string[];
  productPaths: string[];
  include: string[];
  exclude: string[];
  /** Only rules the file mentions validly; the rest use their defaults. */
  rules: Map<string, RuleSetting>;
  trace: TraceSettings;
}

/** Folder names that place a file in a plane when no config declares planes. The innermost matching folder wins. */
export const DEFAULT_PLANE_FOLDERS = {
  intelligence: ['analysis', 'analyses', 'analytics', 'reports', 'reporting', 'compliance', 'insights'],
  control: ['auth', 'authz', 'gateway', 'policy-enforcement'],
  data: ['handlers', 'routes', 'controllers', 'services', 'storage', 'api', 'routers'],
} as const;

/**
 * Folders that serve requests: what lies under them is execution, so an
 * intelligence-plane folder name below them (`api/reports/`) names a URL, not analysis.
 */
export const REQUEST_FOLDERS: readonly string[] = ['api', 'handlers', 'routes', 'routers', 'controllers'];

/** Folders of browser code: no folder name inside them makes a file platform code. */
export const BROWSER_FOLDERS: readonly string[] = ['front-end', 'frontend', 'web-ui', 'browser'];

/** Open-core conventions: enterprise folders, `ee` folders and `*.ee.*` files. */
export const DEFAULT_PRODUCT_PATHS = ['**/premium/**', '**/enterprise/**', '**/ee/**', '**/*.ee.*'];
/** Workspace packages of enterprise code: `@acme/ee`, `@acme/ee-billing`. */
export const DEFAULT_PRODUCT_PACKAGES = ['@*/ee', '@*/ee-*'];
export const DEFAULT_INCLUDE = ['**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}'];
/** Tests and build output are not on the execution path. */
export const BUILTIN_EXCLUDE = [
  '**/node_modules/**',
  '**/.git/**',
  '**/dist/**',
  '**/out/**',
  '**/build/**',
  '**/coverage/**',
  '**/*.d.ts',
  '**/*.test.*',
  '**/*.spec.*',
  '**/*.e2e.*',
  '**/*.e2e-*.*',
  '**/__tests__/**',
  '**/e2e/**',
  '**/test/**',
  '**/tests/**',
];

export function defaultConfig(baseDir: string): ResolvedConfig {
  return {
    baseDir,
    file: undefined,
    planes: undefined,
    productPackages: DEFAULT_PRODUCT_PACKAGES,
    productPaths: DEFAULT_PRODUCT_PATHS,
    include: DEFAULT_INCLUDE,
    exclude: BUILTIN_EXCLUDE,
    rules: new Map(),
    trace: {},
  };
}

/** What the loader needs to know about rules to validate their settings. */
export interface RuleValidation {
  id: string;
  optionsSchema?: z.ZodType;
}

export interface LoadedConfig {
  config: ResolvedConfig;
  findings: Finding[];
  /** The parsed JSON tree, kept to place later findings (a glob matching nothing) on their key. */
  locate: (keyPath: (string | number)[]) => Range;
}

export function configFinding(file: string, range: Range, message: string, severity: 'error' | 'warn' = 'error'): Finding {
  // The message names the key and value, which is what identifies a config problem; its line is not.
  const fingerprint = createHash('sha256').update(`${CONFIG_RULE_ID}\u0000${message}`).digest('hex').slice(0, 24);
  return { file, range, message, severity, ruleId: CONFIG_RULE_ID, related: [], fingerprint };
}

/** A glob that names a place outside the root (absolute, or through ".."): such globs are config errors, never listed. */
export function escapesRoot(glob: string): boolean {
  const posix = glob.replace(/\\/g, '/');
  return posix.startsWith('/') || /^[A-Za-z]:/.test(posix) || posix.split('/').includes('..');
}

/** The config when its path holds no readable file (a folder, a FIFO): an error on it, and the defaults meanwhile. */
export function unreadableConfig(file: string): LoadedConfig {
  const config = defaultConfig(path.dirname(file));
  config.file = file;
  const finding = configFinding(file, FILE_START, `${CONFIG_FILE_NAME} is not a regular file that can be read (a folder, a FIFO or a device?). Checking with the default planes until it is fixed.`);
  return { config, findings: [finding], locate: () => FILE_START };
}

/** Finds planewise.config.json in `start` or the nearest parent folder that has one. */
export function findConfigFile(start: string, exists: (file: string) => boolean): string | undefined {
  let dir = path.resolve(start);
  for (;;) {
    const candidate = path.join(dir, CONFIG_FILE_NAME);
    if (exists(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function rangeOf(source: ts.SourceFile, node: ts.Node): Range {
  const start = source.getLineAndCharacterOfPosition(node.getStart(source));
  const end = source.getLineAndCharacterOfPosition(node.getEnd());
  return { start, end };
}

const FILE_START: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

function propertyName(property: ts.ObjectLiteralElementLike): string | undefined {
  if (!ts.isPropertyAssignment(property)) return undefined;
  const name = property.name;
  return ts.isStringLiteral(name) || ts.isIdentifier(name) || ts.isNumericLiteral(name) ? name.text : undefined;
}

/** The range of the key (or array element) at keyPath; the nearest existing ancestor when it is absent. */
function locator(source: ts.JsonSourceFile): (keyPath: (string | number)[]) => Range {
  return (keyPath) => {
    const rootStatement = source.statements[0];
    if (rootStatement === undefined) return FILE_START;
    let node: ts.Node = rootStatement.expression;
    let found: ts.Node = node;
    for (const key of keyPath) {
      if (ts.isObjectLiteralExpression(node)) {
        const property = node.properties.find((candidate) => propertyName(candidate) === String(key));
        if (property === undefined || !ts.isPropertyAssignment(property)) break;
        found = property.name;
        node = property.initializer;
      } else if (ts.isArrayLiteralExpression(node) && typeof key === 'number' && node.elements[key] !== undefined) {
        node = node.elements[key];
        found = node;
      } else {
        break;
      }
    }
    return rangeOf(source, found);
  };
}

function issuePath(issue: z.core.$ZodIssue): (string | number)[] {
  return issue.path.filter((key): key is string | number => typeof key !== 'symbol');
}

/**
 * Parses and validates the config text. Sections that fail validation are
 * reported and replaced by their defaults; the rest is used as written.
 */
export function parseConfig(file: string, text: string, rules: readonly RuleValidation[], baseDir = path.dirname(file)): LoadedConfig {
  const config = defaultConfig(baseDir);
  config.file = file;
  const findings: Finding[] = [];
  const source = ts.parseJsonText(file, text);
  const locate = locator(source);
  if (text.trim() === '') {
    findings.push(configFinding(file, FILE_START, `${CONFIG_FILE_NAME} is empty: write a JSON object such as {"planes": {"data": ["src/handlers/**"]}}. Checking with the default planes until it is fixed.`));
    return { config, findings, locate };
  }
  const syntaxErrors = (source as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics ?? [];
  if (syntaxErrors.length > 0) {
    for (const diagnostic of syntaxErrors) {
      const start = source.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
      const end = source.getLineAndCharacterOfPosition((diagnostic.start ?? 0) + (diagnostic.length ?? 0));
      const where = `${start.line + 1}:${start.character + 1}`;
      const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
      findings.push(configFinding(file, { start, end }, `${CONFIG_FILE_NAME} is not valid JSON at ${where}: ${message}. Checking with the default planes until it is fixed.`));
    }
    return { config, findings, locate };
  }
  const raw: unknown = ts.convertToObject(source, []);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    findings.push(configFinding(file, FILE_START, `${CONFIG_FILE_NAME} must hold a JSON object. Checking with the default planes until it is fixed.`));
    return { config, findings, locate };
  }
  const known = configSections as Record<string, z.ZodType>;
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    const schema = known[key];
    if (schema === undefined) {
      findings.push(configFinding(file, locate([key]), `Unknown key "${key}" in ${CONFIG_FILE_NAME}; known keys: ${Object.keys(known).filter((name) => name !== '$schema').join(', ')}.`));
      continue;
    }
    let parsed = schema.safeParse(value);
    if (!parsed.success && parsed.error.issues.every((issue) => issue.code === 'unrecognized_keys' && issue.path.length === 0) && value !== null && typeof value === 'object') {
      // Unknown keys inside a section are reported below; the known ones still apply.
      const known = Object.fromEntries(Object.entries(value).filter(([name]) => !parsed.error!.issues.some((issue) => issue.code === 'unrecognized_keys' && issue.keys.includes(name))));
      const retry = schema.safeParse(known);
      if (retry.success) {
        for (const issue of parsed.error.issues) {
          for (const unknownKey of issue.code === 'unrecognized_keys' ? issue.keys : []) {
            findings.push(configFinding(file, locate([key, unknownKey]), `Unknown key "${unknownKey}" in "${key}"; ignored.`));
          }
        }
        parsed = retry;
      }
    }
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const keyPath = [key, ...issuePath(issue)];
        const unknownKeys = issue.code === 'unrecognized_keys' ? issue.keys : [];
        if (unknownKeys.length > 0) {
          for (const unknownKey of unknownKeys) {
            findings.push(configFinding(file, locate([...keyPath, unknownKey]), `Unknown key "${unknownKey}" in "${keyPath.join('.')}".`));
          }
        } else {
          findings.push(configFinding(file, locate(keyPath), `Invalid "${keyPath.join('.')}": ${issue.message}. Using the default for "${key}".`));
        }
      }
      continue;
    }
    values[key] = parsed.data;
  }

  // Globs reach only inside the root: one that leaves it is reported and dropped, the rest of its list applies.
  const insideRoot = (keyPath: string[], globs: string[] | undefined): string[] | undefined => {
    if (globs === undefined) return undefined;
    const kept = globs.filter((glob, index) => {
      if (!escapesRoot(glob)) return true;
      findings.push(configFinding(file, locate([...keyPath, index]), `The glob "${glob}" in "${keyPath.join('.')}" reaches outside the project (absolute or through ".."); globs are relative to the folder of ${CONFIG_FILE_NAME}. Ignored.`));
      return false;
    });
    return kept.length === 0 && globs.length > 0 ? undefined : kept;
  };
  for (const key of ['include', 'exclude', 'productPaths'] as const) values[key] = insideRoot([key], values[key] as string[] | undefined);
  if (values.planes !== undefined) {
    const declared = values.planes as Record<string, string[] | undefined>;
    for (const plane of Object.keys(declared)) declared[plane] = insideRoot(['planes', plane], declared[plane]) ?? (declared[plane] === undefined ? undefined : []);
  }
  const planes = values.planes as z.infer<typeof planesSchema> | undefined;
  if (planes !== undefined) config.planes = { data: planes.data ?? [], control: planes.control ?? [], intelligence: planes.intelligence ?? [] };
  if (values.productPackages !== undefined) config.productPackages = values.productPackages as string[];
  if (values.productPaths !== undefined) config.productPaths = values.productPaths as string[];
  if (values.include !== undefined) config.include = values.include as string[];
  if (values.exclude !== undefined) config.exclude = [...BUILTIN_EXCLUDE, ...(values.exclude as string[])];
  if (values.trace !== undefined) config.trace = values.trace as TraceSettings;
  const ruleValues = (values.rules ?? {}) as Record<string, unknown>;
  for (const [ruleId, setting] of Object.entries(ruleValues)) {
    const rule = rules.find((candidate) => candidate.id === ruleId);
    if (rule === undefined) {
      findings.push(configFinding(file, locate(['rules', ruleId]), `Unknown rule "${ruleId}"; known rules: ${rules.map((candidate) => candidate.id).join(', ')}.`));
      continue;
    }
    const [severityValue, optionsValue] = Array.isArray(setting) ? [setting[0], setting[1]] : [setting, undefined];
    const severity = severitySchema.safeParse(severityValue);
    if (!severity.success) {
      findings.push(
        configFinding(file, locate(['rules', ruleId]), `Invalid severity ${JSON.stringify(severityValue)} for rule "${ruleId}": use "error", "warn" or "off". The rule keeps its default severity.`),
      );
      continue;
    }
    let options: unknown;
    if (optionsValue !== undefined) {
      const parsedOptions = rule.optionsSchema === undefined ? undefined : rule.optionsSchema.safeParse(optionsValue);
      if (parsedOptions === undefined) {
        findings.push(configFinding(file, locate(['rules', ruleId, 1]), `Rule "${ruleId}" takes no options.`, 'warn'));
      } else if (!parsedOptions.success) {
        const detail = parsedOptions.error.issues.map((issue) => `${issuePath(issue).join('.') || '(options)'}: ${issue.message}`).join('; ');
        findings.push(configFinding(file, locate(['rules', ruleId, 1]), `Invalid options for rule "${ruleId}": ${detail}. The rule runs with its default options.`));
      } else {
        options = parsedOptions.data;
      }
    }
    config.rules.set(ruleId, { severity: severity.data, options });
  }
  return { config, findings, locate };
}

/** Builds the JSON Schema users get completion and validation from; rule ids and their options are spelled out. */
export function buildConfigJsonSchema(rules: readonly (RuleValidation & { description: string })[]): Record<string, unknown> {
  const ruleEntries: Record<string, z.ZodType> = {};
  for (const rule of rules) {
    const setting = rule.optionsSchema === undefined ? severitySchema : z.union([severitySchema, z.tuple([severitySchema]), z.tuple([severitySchema, rule.optionsSchema])]);
    ruleEntries[rule.id] = setting.optional().describe(rule.description);
  }
  const schema = z
    .strictObject({ ...configSections, rules: z.strictObject(ruleEntries).optional().describe('Severity ("error", "warn", "off") or [severity, options] per rule.') })
    .describe('Planewise plane boundaries: which files are data, control and intelligence plane, product code, and rule settings.');
  const json = z.toJSONSchema(schema, { target: 'draft-7', unrepresentable: 'any' }) as Record<string, unknown>;
  return { ...json, title: 'planewise.config.json' };
}
