import path from 'node:path';
import {
  createBoundaryEngine,
  type BoundaryEngine,
  type CheckResult,
  type Finding,
  mergeResolutionSummaries,
  type PlaneCounts,
  type ResolutionSummary,
} from '@planewise/analysis-core/boundary';
import type { Diagnostic } from 'vscode-languageserver/node';
import type { PlanewiseSettings } from './protocol';
import { findingToDiagnostic, ruleDocsHref } from './convert';
import { CheckScheduler, type FullCheckOutcome, type FullCheckRequest } from './scheduler';
import { DEFAULT_SETTINGS } from './settings';

/** What a folder needs from the server around it. */
export interface FolderHost {
  extensionRoot: string;
  publish(file: string, diagnostics: Diagnostic[]): void;
  stateChanged(): void;
  info(message: string): void;
  verbose(message: string): void;
  error(message: string, error?: unknown): void;
}

export interface FileTally {
  errors: number;
  warnings: number;
}

export const SCHEDULER_OPTIONS = { debounceMs: 150, chunkSize: 25 };

/**
 * One workspace folder: its engine, its settings and what was last published
 * for its files. Each folder has its own engine so a multi-root workspace
 * keeps each root's config and planes apart.
 */
export class FolderSession {
  settings: PlanewiseSettings = DEFAULT_SETTINGS;
  engine: BoundaryEngine | undefined;
  private scheduler: CheckScheduler | undefined;
  /** Error and warning counts per file that currently has diagnostics from this folder. */
  readonly tallies = new Map<string, FileTally>();
  private configFindingFiles = new Set<string>();
  planes: PlaneCounts = { data: 0, control: 0, intelligence: 0 };
  filesChecked = 0;
  lastCheckMs = 0;
  lastCheckAt: number | undefined;
  /** An internal error or config problem the status should show; cleared by the next clean check. */
  problem: string | undefined;
  /** Many imports of the last full check did not resolve (see ResolutionSummary.warning). */
  resolutionWarning: string | undefined;
  /** How the chunks of the running full check resolved their imports. */
  private fullCheckResolution: ResolutionSummary[] = [];

  constructor(
    readonly uri: string,
    readonly root: string,
    private readonly host: FolderHost,
  ) {}

  get busy(): boolean {
    return this.scheduler?.busy ?? false;
  }

  get findings(): number {
    let total = 0;
    for (const tally of this.tallies.values()) total += tally.errors + tally.warnings;
    return total;
  }

  contains(file: string): boolean {
    const relative = path.relative(this.root, file);
    return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
  }

  docsHref = (page: string): string => ruleDocsHref(page, this.host.extensionRoot, this.settings.docsBaseUrl);

  /** Applies new settings; returns true when the folder needs a full re-check. */
  applySettings(settings: PlanewiseSettings): boolean {
    const previous = this.settings;
    this.settings = settings;
    if (!settings.enable) {
      if (this.engine) this.host.info(`Planewise is disabled for ${this.root}`);
      this.stop();
      return false;
    }
    if (!this.engine) return this.start();
    const rulesChanged = JSON.stringify(previous.rules) !== JSON.stringify(settings.rules);
    if (rulesChanged) this.guard('applying rule overrides', () => this.engine!.setRuleOverrides(settings.rules));
    return rulesChanged || previous.docsBaseUrl !== settings.docsBaseUrl;
  }

  private start(): boolean {
    const started = performance.now();
    const engine = this.guard('starting the engine', () =>
      createBoundaryEngine({ root: this.root, ruleOverrides: this.settings.rules, log: (message) => this.host.verbose(message) }),
    );
    if (!engine) return false;
    this.engine = engine;
    this.host.info(
      `Engine ready for ${this.root} in ${Math.round(performance.now() - started)} ms (config: ${engine.configFile ?? 'none, folder-name defaults'})`,
    );
    this.scheduler = new CheckScheduler(
      engine,
      {
        onResult: (result, scope) => this.accept(result, scope),
        onFullCheckDone: (checked, outcome) => this.fullCheckDone(checked, outcome),
        onBusyChange: () => this.host.stateChanged(),
        onError: (message, error) => this.fail(message, error),
      },
      SCHEDULER_OPTIONS,
    );
    return true;
  }

  /** Stops checking and withdraws every diagnostic this folder published. */
  stop(): void {
    this.scheduler?.dispose();
    this.scheduler = undefined;
    this.engine = undefined;
    for (const file of [...this.tallies.keys(), ...this.configFindingFiles]) this.host.publish(file, []);
    this.tallies.clear();
    this.configFindingFiles.clear();
    this.filesChecked = 0;
    this.planes = { data: 0, control: 0, intelligence: 0 };
    this.host.stateChanged();
  }

  /** Files of this folder worth asking about: open ones first, then those with findings, then the rest checked. */
  *candidateFiles(openFiles: Iterable<string>): Generator<string> {
    for (const file of openFiles) if (this.contains(file)) yield file;
    yield* this.tallies.keys();
    yield* this.scheduler?.files ?? [];
  }

  checkAll(request?: FullCheckRequest): Promise<FullCheckOutcome> {
    if (!this.scheduler) return Promise.resolve({ cancelled: false, filesChecked: 0, durationMs: 0 });
    return this.scheduler.checkAll(request);
  }

  /** An open document's text changed. */
  documentEdited(file: string, text: string): void {
    if (!this.engine || !this.scheduler) return;
    if (this.guard(`reading ${file}`, () => (this.engine!.updateFile(file, text), true))) this.scheduler.documentEdited(file);
  }

  /** A document was opened with this text, or saved: check it (and, unless just opened, its dependents). */
  documentSettled(file: string, text: string | undefined, dependents: boolean): void {
    if (!this.engine || !this.scheduler) return;
    if (!this.guard(`reading ${file}`, () => (this.engine!.updateFile(file, text), true))) return;
    if (dependents) this.scheduler.filesChanged([file]);
    else this.scheduler.recheck([file]);
  }

  /** A file changed on disk (not open in the editor, or its text is now the disk's again). */
  diskChanged(file: string, kind: 'created' | 'changed' | 'deleted'): void {
    if (!this.engine || !this.scheduler) return;
    if (kind === 'deleted') {
      const dependents = this.guard('finding dependents', () => this.engine!.affectedBy([file])) ?? [];
      this.guard(`removing ${file}`, () => this.engine!.removeFile(file));
      this.scheduler.fileDeleted(file);
      this.clear(file);
      this.scheduler.recheck(dependents.filter((dependent) => dependent !== file));
      this.host.stateChanged();
      return;
    }
    if (!this.guard(`reading ${file}`, () => (this.engine!.updateFile(file), true))) return;
    if (kind === 'created') this.scheduler.fileCreated(file);
    else this.scheduler.filesChanged([file]);
  }

  /** planewise.config.json changed, appeared or went away: the planes and the file set may all differ. */
  configChanged(): Promise<FullCheckOutcome> | undefined {
    if (!this.engine || !this.scheduler) return undefined;
    if (!this.guard('reloading planewise.config.json', () => (this.engine!.reloadConfig(), true))) return undefined;
    this.host.info(`Config reloaded for ${this.root} (${this.engine.configFile ?? 'no config file, folder-name defaults'})`);
    this.scheduler.forgetKnownFiles();
    return this.checkAll();
  }

  private accept(result: CheckResult, scope: 'full' | 'incremental'): void {
    if (scope === 'full') this.fullCheckResolution.push(result.resolution);
    for (const [file, findings] of result.findings) this.publishFindings(file, findings);
    this.publishConfigFindings(result.configFindings);
    // A complete engine.check counts the planes of the whole project, whatever files it was asked about.
    if (!result.cancelled) this.planes = result.planes;
    this.lastCheckMs = result.durationMs;
    this.lastCheckAt = Date.now();
    const names = result.findings.size <= 20 ? `: ${[...result.findings.keys()].map((file) => path.relative(this.root, file)).join(', ')}` : '';
    this.host.verbose(`${scope} check of ${result.filesChecked} files in ${result.durationMs.toFixed(1)} ms${result.cancelled ? ' (stopped early)' : ''}${names}`);
    this.host.stateChanged();
  }

  private fullCheckDone(checked: ReadonlySet<string>, outcome: FullCheckOutcome): void {
    // Files published before but no longer checked were deleted or left the config's reach.
    for (const file of [...this.tallies.keys()]) if (!checked.has(file)) this.clear(file);
    this.filesChecked = checked.size;
    this.lastCheckMs = outcome.durationMs;
    this.problem = this.configProblem();
    if (!outcome.cancelled) this.resolutionWarning = mergeResolutionSummaries(this.fullCheckResolution).warning;
    this.fullCheckResolution = [];
    this.host.info(`Checked ${checked.size} files in ${this.root} in ${Math.round(outcome.durationMs)} ms: ${this.findings} findings`);
    this.host.stateChanged();
  }

  private publishFindings(file: string, findings: Finding[]): void {
    const rules = new Map(this.engine?.rules.map((rule) => [rule.id, rule]));
    const diagnostics = findings.map((finding) => findingToDiagnostic(finding, rules.get(finding.ruleId), this.docsHref));
    const tally = { errors: 0, warnings: 0 };
    for (const finding of findings) tally[finding.severity === 'error' ? 'errors' : 'warnings']++;
    if (diagnostics.length > 0) this.tallies.set(file, tally);
    else this.tallies.delete(file);
    this.host.publish(file, diagnostics);
  }

  private publishConfigFindings(findings: Finding[]): void {
    const byFile = new Map<string, Finding[]>();
    for (const finding of findings) (byFile.get(finding.file) ?? byFile.set(finding.file, []).get(finding.file)!).push(finding);
    for (const file of this.configFindingFiles) if (!byFile.has(file)) this.host.publish(file, []);
    for (const [file, fileFindings] of byFile) {
      this.host.publish(file, fileFindings.map((finding) => findingToDiagnostic(finding, undefined, this.docsHref)));
    }
    this.configFindingFiles = new Set(byFile.keys());
    this.problem = this.configProblem();
  }

  private configProblem(): string | undefined {
    if (this.configFindingFiles.size === 0) return undefined;
    return `planewise.config.json has problems: see the diagnostics on ${[...this.configFindingFiles].map((f) => path.relative(this.root, f) || f).join(', ')}`;
  }

  private clear(file: string): void {
    if (this.tallies.delete(file)) this.host.publish(file, []);
  }

  private fail(message: string, error: unknown): void {
    this.problem = `Internal error ${message}; see the Planewise log`;
    this.host.error(`${message} (${this.root})`, error);
    this.host.stateChanged();
  }

  /** Runs an engine call; a throw is logged against this folder instead of taking the server down. */
  guard<T>(what: string, action: () => T): T | undefined {
    try {
      return action();
    } catch (error) {
      this.fail(`while ${what}`, error);
      return undefined;
    }
  }
}
