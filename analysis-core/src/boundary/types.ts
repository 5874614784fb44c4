/**
 * The boundary engine's public vocabulary, shared by `planewise check` and the
 * language server. Positions are zero-based lines and UTF-16 character
 * offsets, as in the Language Server Protocol, so adapters copy them as-is.
 */

export type Plane = 'data' | 'control' | 'intelligence';

/** `product` marks code that belongs to the product side: product packages, premium/enterprise code. */
export interface PlaneAssignment {
  plane: Plane | undefined;
  product: boolean;
  /**
   * Why the file got this plane: a config glob, a `@plane` comment, a folder-name default, or
   * request handlers it defines or registers (data plane, in place of a folder-name default).
   */
  source: 'config' | 'comment' | 'default' | 'handler' | 'none';
}

export type RuleSeverity = 'error' | 'warn' | 'off';
export type FindingSeverity = Exclude<RuleSeverity, 'off'>;

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export interface Location {
  /** Absolute file path. */
  file: string;
  range: Range;
}

export interface RelatedInformation extends Location {
  message: string;
}

export interface Finding extends Location {
  ruleId: string;
  severity: FindingSeverity;
  message: string;
  /** e.g. the call chain handler -> helper -> generateReport, one entry per hop. */
  related: RelatedInformation[];
  /** Stable across unrelated edits; used by baselines and to match code actions to findings. */
  fingerprint: string;
}

export interface TextEdit {
  range: Range;
  newText: string;
  /** The same insertion as an LSP snippet, for editors that then put the cursor where the user has to type (`newText` is the plain form). */
  snippet?: string;
}

export type FileChange =
  | { kind: 'edit'; file: string; edits: TextEdit[] }
  | { kind: 'create'; file: string; text: string };

/** An editor command a fix runs instead of (or after) its edits, e.g. opening a rule's docs page. */
export interface FixCommand {
  title: string;
  /** "planewise.openRuleDocs" takes [ruleId, docs page relative to the root]. */
  id: string;
  arguments: unknown[];
}

export interface Fix {
  title: string;
  /** LSP code action kind, e.g. "quickfix" or "refactor.move". */
  kind: string;
  /** The findings (by fingerprint) this fix resolves. */
  resolves: string[];
  isPreferred?: boolean;
  changes: FileChange[];
  /** Present for actions that are not edits (open the rule's docs); `changes` is then empty. */
  command?: FixCommand;
  /** The fix exists but cannot apply here; `changes` is then empty and the menu shows the reason. */
  disabled?: { reason: string };
  /** What applying it leaves to the user, said once it applied (e.g. folders a created config gives no plane). */
  detail?: string;
}

export interface RuleDocs {
  description: string;
  /** Relative path of the rule's page, e.g. "docs/rules/no-analysis-in-execution-path.md". */
  page: string;
}

export interface RuleMeta {
  id: string;
  defaultSeverity: RuleSeverity;
  docs: RuleDocs;
  fixable: boolean;
}

/** Lets long checks stop early when the editor no longer wants the answer. */
export type IsCancelled = () => boolean;

export type PlaneCounts = Record<Plane, number>;

export interface ResolutionCount {
  resolved: number;
  total: number;
}

export interface UnresolvedImport {
  /** Relative to the engine root, posix separators. */
  file: string;
  /** One-based. */
  line: number;
  specifier: string;
}

/** How the imports of the checked files resolved, by how they were written. Assets and npm packages are not counted. */
export interface ResolutionSummary {
  relative: ResolutionCount;
  /** Through tsconfig `paths` or `baseUrl`. */
  aliased: ResolutionCount;
  /** Packages of the repository's npm, yarn or pnpm workspace. */
  workspace: ResolutionCount;
  unresolvedExamples: UnresolvedImport[];
  /** Set when a noticeable share of imports did not resolve: findings through them are missed. */
  warning: string | undefined;
}

export interface CheckResult {
  /** Findings per absolute file path, for every file checked (empty arrays included, so adapters can clear). */
  findings: Map<string, Finding[]>;
  /** Problems with planewise.config.json itself, reported on that file; never silently ignored. */
  configFindings: Finding[];
  filesChecked: number;
  planes: PlaneCounts;
  durationMs: number;
  /** True when isCancelled() stopped the check early; the result is then partial. */
  cancelled: boolean;
  resolution: ResolutionSummary;
}

export interface BoundaryEngineOptions {
  /** The workspace root; planewise.config.json is looked up here and in parent folders of checked files. */
  root: string;
  /** A config file to use instead of looking one up; its globs are relative to `root`. */
  configFile?: string;
  /** Editor settings that override the config file's rule severities. */
  ruleOverrides?: Record<string, RuleSeverity>;
  log?: (message: string) => void;
}

/**
 * One long-lived, incrementally updated view of a project. The language
 * server keeps one per workspace folder; `planewise check` makes one, checks
 * everything, and exits.
 */
export interface BoundaryEngine {
  readonly root: string;
  /** The config file in force, if any (absent: folder-name defaults). */
  readonly configFile: string | undefined;
  readonly rules: readonly RuleMeta[];
  /** An open editor's text for a file (text given) or the file on disk again (text undefined). */
  updateFile(file: string, text?: string): void;
  removeFile(file: string): void;
  /** Re-reads planewise.config.json (it changed, appeared or went away). */
  reloadConfig(): void;
  setRuleOverrides(overrides: Record<string, RuleSeverity>): void;
  /** The files whose findings can change when these files change: themselves, importers and callers, transitively. */
  affectedBy(files: readonly string[]): string[];
  check(files: readonly string[] | 'all', isCancelled?: IsCancelled): CheckResult;
  /** Code actions for the findings overlapping `range` in `file`, plus suppressions and docs links. */
  fixes(file: string, range: Range): Fix[];
  planeOf(file: string): PlaneAssignment;
}
