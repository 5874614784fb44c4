import type { RuleSeverity } from '@planewise/analysis-core/boundary';
import type { PlanewiseSettings } from './protocol';

export const DEFAULT_SETTINGS: PlanewiseSettings = {
  enable: true,
  run: 'onType',
  rules: {},
  trace: { server: 'off' },
  formatWithPrettier: false,
};

const SEVERITIES = new Set<string>(['error', 'warn', 'off']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Turns whatever the client sent under `planewise` into complete settings.
 * Editors other than VS Code send partial objects, `null`, or nothing; a bad
 * value falls back to its default and is named in `problems` so the log says why.
 */
export function normalizeSettings(raw: unknown): { settings: PlanewiseSettings; problems: string[] } {
  const problems: string[] = [];
  const settings: PlanewiseSettings = { ...DEFAULT_SETTINGS, rules: {}, trace: { ...DEFAULT_SETTINGS.trace } };
  if (raw === undefined || raw === null) return { settings, problems };
  if (!isRecord(raw)) return { settings, problems: [`planewise settings must be an object, got ${typeof raw}`] };

  if (raw.enable !== undefined) {
    if (typeof raw.enable === 'boolean') settings.enable = raw.enable;
    else problems.push('planewise.enable must be true or false');
  }
  if (raw.run !== undefined) {
    if (raw.run === 'onType' || raw.run === 'onSave') settings.run = raw.run;
    else problems.push('planewise.run must be "onType" or "onSave"');
  }
  if (raw.rules !== undefined) {
    if (isRecord(raw.rules)) {
      for (const [ruleId, severity] of Object.entries(raw.rules)) {
        if (typeof severity === 'string' && SEVERITIES.has(severity)) settings.rules[ruleId] = severity as RuleSeverity;
        else problems.push(`planewise.rules["${ruleId}"] must be "error", "warn" or "off"`);
      }
    } else problems.push('planewise.rules must be an object of rule id -> severity');
  }
  if (raw.trace !== undefined) {
    const level = isRecord(raw.trace) ? raw.trace.server : undefined;
    if (level === 'off' || level === 'messages' || level === 'verbose') settings.trace.server = level;
    else problems.push('planewise.trace.server must be "off", "messages" or "verbose"');
  }
  if (raw.formatWithPrettier !== undefined) {
    if (typeof raw.formatWithPrettier === 'boolean') settings.formatWithPrettier = raw.formatWithPrettier;
    else problems.push('planewise.formatWithPrettier must be true or false');
  }
  if (raw.docsBaseUrl !== undefined && raw.docsBaseUrl !== null && raw.docsBaseUrl !== '') {
    if (typeof raw.docsBaseUrl === 'string' && URL.canParse(raw.docsBaseUrl)) settings.docsBaseUrl = raw.docsBaseUrl;
    else problems.push('planewise.docsBaseUrl must be an absolute URL');
  }
  return { settings, problems };
}
