/**
 * The shape of a rule (one rule, one file under rules/) and what it sees of
 * the project while it runs.
 */
import type { ts } from './compiler';
import type { z } from 'zod';
import type { ResolvedConfig } from './config';
import type { CallTarget, FileFacts, FunctionFact, ImportFact } from './facts';
import type { Fix, PlaneAssignment, Range, RelatedInformation, RuleMeta } from './types';

/** The built-in check that reports files the rules could not look at: too large, or failing to parse or analyse. */
export const NOT_CHECKED_RULE_ID = 'not-checked';

/** Where an import points: a file of the project, or a package by name. */
/** A function another file registers as a request handler: why it runs on a request path, and where it is registered. */
export interface ExternalEntry {
  reason: string;
  file: string;
  range: Range;
}

export type ImportTarget = { kind: 'file'; file: string } | { kind: 'package'; name: string } | { kind: 'unresolved' };

/** What a call's callee turned out to be, across files and re-exports. */
export type ResolvedCall =
  | { kind: 'function'; file: string; fn: FunctionFact }
  /** Something else a project file exports (a class, an object): known by module, not by function. */
  | { kind: 'module'; file: string; name: string; constant?: boolean }
  | { kind: 'package'; name: string; exportName: string; member: string | undefined }
  | { kind: 'global'; name: string }
  | { kind: 'unknown' };

/** A parsed file: its syntax tree (`compilerNode`, the name ts-morph gives it, so a ts-morph SourceFile is one too) and its text. */
export interface ParsedSource {
  readonly compilerNode: ts.SourceFile;
  getFullText(): string;
}

/** The project as the rules see it: facts of any file, planes, and name resolution. */
export interface ProjectView {
  readonly root: string;
  readonly config: ResolvedConfig;
  /** Relative, forward-slash path for messages and fingerprints. */
  relative(file: string): string;
  facts(file: string): FileFacts | undefined;
  source(file: string): ParsedSource | undefined;
  planeOf(file: string): PlaneAssignment;
  resolveImport(from: string, fact: ImportFact): ImportTarget;
  resolveCall(from: string, target: CallTarget): ResolvedCall;
  isProductPackage(name: string): boolean;
  /** Why `fn` runs on a request path when another file registers it as a handler, and where it does. */
  externalEntry(file: string, fn: FunctionFact): ExternalEntry | undefined;
  /** Whether the project depends on a package (package.json dependencies of the root). */
  dependsOn(packageName: string): boolean;
  /** The root package.json's name. */
  packageName(): string | undefined;
  /** Whether a file exists, checked or not. */
  fileExists(file: string): boolean;
  /** Whether any checked file lies under this folder. */
  hasFileUnder(folder: string): boolean;
  /** Every checked file, sorted. */
  files(): readonly string[];
  /** A file's text (checked or not: package.json, planewise.config.json); undefined when it does not exist. */
  readFile(file: string): string | undefined;
}

export interface RuleReport<MessageIds extends string = string> {
  /** One of the rule's `meta.messages` keys: an unknown id does not compile. */
  messageId: MessageIds;
  data?: Record<string, string | number>;
  range: Range;
  /** Identifies the finding within the file without line numbers, for a stable fingerprint. */
  key: string;
  related?: RelatedInformation[];
  /** Whatever the rule's fix needs later, kept with the finding inside the engine. */
  fixData?: unknown;
  /**
   * The import a reported call goes through, and the name it takes from it.
   * The call is the violation: a finding of an `importsOnly` rule on that
   * import whose names are all such calls' becomes their related information
   * instead of a row of its own.
   */
  viaImport?: ImportUse;
  /** For an `importsOnly` rule's finding on one import statement: the value names it imports ("default", "*" for a namespace). */
  importedNames?: string[];
}

export interface ImportUse {
  range: Range;
  name: string;
}

export interface RuleContext<Options, MessageIds extends string = string> {
  readonly file: string;
  readonly facts: FileFacts;
  readonly source: ParsedSource;
  readonly plane: PlaneAssignment;
  readonly options: Options;
  readonly project: ProjectView;
  report(report: RuleReport<MessageIds>): void;
}

export interface FixFinding {
  ruleId: string;
  range: Range;
  fingerprint: string;
  messageId: string;
  fixData: unknown;
}

export interface FixContext<Options> extends RuleContext<Options> {
  readonly finding: FixFinding;
  /** Every finding of the file, so a fix can name the others it resolves too. */
  readonly fileFindings: readonly FixFinding[];
}

/**
 * Which code a rule judges. `platform` rules report data- and control-plane
 * code; when such a file has its plane from a folder name only, the engine
 * also offers to declare it intelligence-plane code.
 */
export type RuleScope = 'platform' | 'intelligence' | 'artifacts';

export interface RuleDefinitionMeta<MessageIds extends string = string> extends RuleMeta {
  /** Message templates by id; `{name}` placeholders are filled from the report's data. */
  messages: Record<MessageIds, string>;
  appliesTo: RuleScope;
  /** Its findings are import statements, folded into the call findings that use everything they import (see `viaImport`). */
  importsOnly?: true;
}

export interface Rule<Options = unknown, MessageIds extends string = string> {
  meta: RuleDefinitionMeta<MessageIds>;
  optionsSchema?: z.ZodType<Options>;
  defaultOptions: Options;
  check(context: RuleContext<Options, MessageIds>): void;
  /** Safe fixes for one of this rule's findings; suppressions and docs links are added by the engine. */
  fixes?(context: FixContext<Options>): Fix[];
}

export function formatMessage(template: string, data: Record<string, string | number> | undefined): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (data !== undefined && name in data ? String(data[name]) : whole));
}

/** Keeps the option and message-id types of each rule while listing them together. */
export function defineRule<Options, MessageIds extends string>(rule: Rule<Options, MessageIds>): Rule<Options, MessageIds> {
  return rule;
}
