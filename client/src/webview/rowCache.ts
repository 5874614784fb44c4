/**
 * The rows of the virtualised events table the webview holds: pages fetched on
 * demand for one filter at a time, so a trace of millions of events keeps only
 * what was scrolled past recently.
 */
import type { EventRow } from './messages';

export class RowCache {
  private filter = '';
  private readonly pages = new Map<number, EventRow[]>();
  private readonly pending = new Set<number>();

  constructor(
    private readonly pageSize: number,
    private readonly maxPages = 50,
  ) {}

  /** True when the page should be requested (not held and not already asked for). */
  startRequest(page: number, filter: string): boolean {
    this.useFilter(filter);
    if (this.pages.has(page) || this.pending.has(page)) return false;
    this.pending.add(page);
    return true;
  }

  /** Keeps an answer; false when it belongs to a filter no longer shown. */
  store(filter: string, start: number, rows: EventRow[]): boolean {
    if (filter !== this.filter) return false;
    const page = Math.floor(start / this.pageSize);
    this.pending.delete(page);
    this.pages.delete(page);
    this.pages.set(page, rows);
    // Oldest-first eviction: Map keeps insertion order.
    while (this.pages.size > this.maxPages) this.pages.delete(this.pages.keys().next().value as number);
    return true;
  }

  get(index: number): EventRow | undefined {
    return this.pages.get(Math.floor(index / this.pageSize))?.[index % this.pageSize];
  }

  clear(): void {
    this.pages.clear();
    this.pending.clear();
  }

  private useFilter(filter: string): void {
    if (filter === this.filter) return;
    this.filter = filter;
    this.clear();
  }
}
