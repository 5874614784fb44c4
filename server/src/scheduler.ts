import { type BoundaryEngine, type CheckResult, mergeResolutionSummaries } from '@planewise/analysis-core/boundary';

/** What one finished (or stopped) workspace-wide check amounts to. */
export interface FullCheckOutcome {
  cancelled: boolean;
  filesChecked: number;
  durationMs: number;
}

export interface FullCheckRequest {
  isCancelled?: () => boolean;
  onProgress?: (done: number, total: number) => void;
}

export interface SchedulerHooks {
  /** Every partial or complete result, as soon as it exists, so diagnostics appear while a big check runs. */
  onResult(result: CheckResult, scope: 'full' | 'incremental'): void;
  /** A full check finished; `checkedFiles` are all files the engine knows (others no longer exist for it). */
  onFullCheckDone(checkedFiles: ReadonlySet<string>, outcome: FullCheckOutcome): void;
  onBusyChange(busy: boolean): void;
  onError(message: string, error: unknown): void;
}

export interface SchedulerOptions {
  /** Quiet time after a keystroke before its file is re-checked. */
  debounceMs: number;
  /** Files per engine.check call; between calls the server reads new messages, so edits and cancellations get in. */
  chunkSize: number;
}

interface FullJob extends FullCheckRequest {
  resolve(outcome: FullCheckOutcome): void;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Decides what to re-check and when, for one engine. Edits are debounced per
 * document (the first edit after a pause runs at once, a burst waits for the
 * pause); an edit supersedes a running incremental check, whose unchecked
 * files carry over into the next one. Jobs never overlap: the engine is not
 * re-entrant.
 */
export class CheckScheduler {
  private readonly fullJobs: FullJob[] = [];
  /** Files edited since the last incremental job started. */
  private readonly changed = new Set<string>();
  /** Affected files that a superseded incremental job did not get to. */
  private readonly carried = new Set<string>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly lastEditAt = new Map<string, number>();
  /** Every file the last full check covered; later full checks walk it in chunks. Undefined until then. */
  private knownFiles: Set<string> | undefined;
  private running: { scope: 'full' | 'incremental'; superseded: boolean } | undefined;
  private disposed = false;

  constructor(
    private readonly engine: BoundaryEngine,
    private readonly hooks: SchedulerHooks,
    private readonly options: SchedulerOptions,
  ) {}

  /** The files the last full check covered (empty before the first). */
  get files(): Iterable<string> {
    return this.knownFiles ?? [];
  }

  get busy(): boolean {
    return this.running !== undefined;
  }

  /** A document was typed in: re-check it and its dependents once typing pauses. */
  documentEdited(file: string): void {
    const now = Date.now();
    const last = this.lastEditAt.get(file);
    this.lastEditAt.set(file, now);
    const pending = this.timers.get(file);
    if (pending) clearTimeout(pending);
    const afterPause = last === undefined || now - last >= this.options.debounceMs;
    const timer = setTimeout(
      () => {
        this.timers.delete(file);
        this.filesChanged([file]);
      },
      afterPause && !pending ? 0 : this.options.debounceMs,
    );
    this.timers.set(file, timer);
  }

  /** Files changed for good (saved, changed on disk, opened, closed): re-check them and their dependents now. */
  filesChanged(files: readonly string[]): void {
    if (this.disposed || files.length === 0) return;
    for (const file of files) this.changed.add(file);
    if (this.running?.scope === 'incremental') this.running.superseded = true;
    this.pump();
  }

  /** Re-check exactly these files (their dependents are known not to care), e.g. a document just opened. */
  recheck(files: readonly string[]): void {
    if (this.disposed || files.length === 0) return;
    for (const file of files) this.carried.add(file);
    this.pump();
  }

  fileCreated(file: string): void {
    this.knownFiles?.add(file);
    this.filesChanged([file]);
  }

  fileDeleted(file: string): void {
    this.knownFiles?.delete(file);
    this.carried.delete(file);
  }

  /** The file set may have changed (config reloaded): the next full check asks the engine for everything. */
  forgetKnownFiles(): void {
    this.knownFiles = undefined;
  }

  checkAll(request: FullCheckRequest = {}): Promise<FullCheckOutcome> {
    return new Promise((resolve) => {
      if (this.disposed) return resolve({ cancelled: true, filesChecked: 0, durationMs: 0 });
      this.fullJobs.push({ ...request, resolve });
      this.pump();
    });
  }

  dispose(): void {
    this.disposed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    for (const job of this.fullJobs.splice(0)) job.resolve({ cancelled: true, filesChecked: 0, durationMs: 0 });
    if (this.running) this.running.superseded = true;
  }

  private pump(): void {
    if (this.running || this.disposed) return;
    const fullJob = this.fullJobs.shift();
    if (fullJob) {
      void this.run('full', () => this.runFull(fullJob));
    } else if (this.changed.size > 0 || this.carried.size > 0) {
      void this.run('incremental', () => this.runIncremental());
    }
  }

  private async run(scope: 'full' | 'incremental', job: () => Promise<void>): Promise<void> {
    this.running = { scope, superseded: false };
    this.hooks.onBusyChange(true);
    try {
      await job();
    } catch (error) {
      this.hooks.onError(`while running a ${scope} check`, error);
    } finally {
      this.running = undefined;
      if (this.fullJobs.length === 0 && this.changed.size === 0 && this.carried.size === 0) this.hooks.onBusyChange(false);
      this.pump();
    }
  }

  private async runIncremental(): Promise<void> {
    const changed = [...this.changed];
    this.changed.clear();
    const files = new Set(this.carried);
    this.carried.clear();
    for (const file of this.safely('finding dependents', () => this.engine.affectedBy(changed)) ?? changed) files.add(file);
    const queue = [...files];
    const state = this.running!;
    while (queue.length > 0) {
      if (state.superseded || this.disposed) {
        for (const file of queue) this.carried.add(file);
        return;
      }
      const chunk = queue.splice(0, this.options.chunkSize);
      const result = this.checkChunk(chunk, () => state.superseded);
      if (result) this.hooks.onResult(result, 'incremental');
      if (result?.cancelled) {
        for (const file of chunk) if (!result.findings.has(file)) this.carried.add(file);
      }
      if (queue.length > 0) await yieldToEventLoop();
    }
  }

  private async runFull(job: FullJob): Promise<void> {
    const started = performance.now();
    const cancelled = () => this.disposed || (job.isCancelled?.() ?? false);
    const finish = (outcome: Omit<FullCheckOutcome, 'durationMs'>, checked?: Set<string>) => {
      const full = { ...outcome, durationMs: performance.now() - started };
      if (checked) this.hooks.onFullCheckDone(checked, full);
      job.resolve(full);
    };
    if (cancelled()) return finish({ cancelled: true, filesChecked: 0 });

    if (this.knownFiles === undefined) {
      // The first check asks the engine for everything at once; it also tells us the file set.
      const result = this.safely('checking the workspace', () => this.engine.check('all', cancelled));
      if (!result) return finish({ cancelled: false, filesChecked: 0 });
      this.hooks.onResult(result, 'full');
      if (result.cancelled) return finish({ cancelled: true, filesChecked: result.filesChecked });
      this.knownFiles = new Set(result.findings.keys());
      job.onProgress?.(result.filesChecked, result.filesChecked);
      return finish({ cancelled: false, filesChecked: result.filesChecked }, this.knownFiles);
    }

    const queue = [...this.knownFiles];
    const total = queue.length;
    let done = 0;
    while (queue.length > 0) {
      if (cancelled()) return finish({ cancelled: true, filesChecked: done });
      const chunk = queue.splice(0, this.options.chunkSize);
      const result = this.checkChunk(chunk, cancelled);
      if (result) this.hooks.onResult(result, 'full');
      if (result?.cancelled) return finish({ cancelled: true, filesChecked: done + result.filesChecked });
      done += chunk.length;
      job.onProgress?.(done, total);
      await yieldToEventLoop();
    }
    finish({ cancelled: false, filesChecked: done }, new Set(this.knownFiles));
  }

  /**
   * Checks a chunk; if the engine throws, checks its files one by one so a
   * single bad file costs only its own diagnostics, and names it in the log.
   */
  private checkChunk(files: string[], isCancelled: () => boolean): CheckResult | undefined {
    const whole = this.safely(`checking ${files.length} files`, () => this.engine.check(files, isCancelled), files.length > 1);
    if (whole || files.length === 1) return whole;
    let combined: CheckResult | undefined;
    for (const file of files) {
      const single = this.safely(`checking ${file}`, () => this.engine.check([file], isCancelled));
      if (!single) continue;
      if (!combined) {
        combined = { ...single, findings: new Map(single.findings), planes: { ...single.planes } };
      } else {
        for (const [key, findings] of single.findings) combined.findings.set(key, findings);
        combined.filesChecked += single.filesChecked;
        combined.durationMs += single.durationMs;
        combined.cancelled ||= single.cancelled;
        for (const plane of Object.keys(single.planes) as (keyof CheckResult['planes'])[]) combined.planes[plane] += single.planes[plane];
        combined.resolution = mergeResolutionSummaries([combined.resolution, single.resolution]);
      }
    }
    return combined;
  }

  private safely<T>(what: string, action: () => T, quiet = false): T | undefined {
    try {
      return action();
    } catch (error) {
      if (!quiet) this.hooks.onError(`while ${what}`, error);
      return undefined;
    }
  }
}
