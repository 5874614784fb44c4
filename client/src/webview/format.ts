/** Number and time formatting shared by the webview views (pure, unit tested). */

export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

export function formatMs(value: number): string {
  if (!Number.isFinite(value)) return '-';
  if (value >= 10_000) return `${(value / 1000).toFixed(1)} s`;
  if (value >= 100) return `${Math.round(value)} ms`;
  return `${Number(value.toFixed(value >= 10 ? 1 : 2))} ms`;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

export function formatTimestamp(epochMs: number): string {
  if (!Number.isFinite(epochMs)) return '-';
  return new Date(epochMs).toISOString().replace('T', ' ').replace('Z', ' UTC');
}

export function formatWindow(startMs: number, endMs: number): string {
  return `${formatTimestamp(startMs)} to ${formatTimestamp(endMs)} (${formatMs(Math.max(0, endMs - startMs))})`;
}

export function percent(part: number, whole: number): number {
  return whole <= 0 ? 0 : Math.min(100, Math.round((part / whole) * 100));
}
