/** Words for the language status item, kept apart from `vscode` so they are unit tested. */
import type { StatusParams } from '@planewise/server/protocol';

export interface StatusView {
  text: string;
  detail: string;
  busy: boolean;
  isError: boolean;
  /** Shown as a warning: the result may miss findings. */
  isWarning: boolean;
}

const PLANE_ORDER = ['data', 'control', 'intelligence'];

export function describePlanes(planes: Record<string, number>): string {
  const names = Object.keys(planes)
    .filter((plane) => (planes[plane] ?? 0) > 0)
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  if (names.length === 0) return 'no planes detected';
  return names.map((plane) => `${plane} ${planes[plane]}`).join(', ');
}

function rank(plane: string): number {
  const index = PLANE_ORDER.indexOf(plane);
  return index === -1 ? PLANE_ORDER.length : index;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

export function describeStatus(status: StatusParams, formatTime: (epochMs: number) => string): StatusView {
  const lastCheck =
    status.lastCheckAt === undefined ? 'not checked yet' : `checked at ${formatTime(status.lastCheckAt)} in ${Math.round(status.lastCheckMs)} ms`;
  const planes = `Planes: ${describePlanes(status.planes)}`;
  const files = `${plural(status.filesChecked, 'file')}, ${plural(status.findings, 'finding')}`;
  switch (status.state) {
    case 'starting':
      return { text: 'Planewise: starting', detail: planes, busy: true, isError: false, isWarning: false };
    case 'checking':
      return { text: 'Planewise: checking', detail: `${files}; ${lastCheck}`, busy: true, isError: false, isWarning: false };
    case 'error':
      return { text: 'Planewise: error', detail: status.message ?? 'the language server reported an error', busy: false, isError: true, isWarning: false };
    case 'idle':
      return {
        text: `Planewise: ${plural(status.findings, 'finding')}${status.resolutionWarning ? ' $(warning) imports unresolved' : ''}`,
        detail: `${status.resolutionWarning ? `${status.resolutionWarning} · ` : ''}${planes} · ${files} · ${lastCheck}${status.message ? ` · ${status.message}` : ''}`,
        busy: false,
        isError: false,
        isWarning: status.resolutionWarning !== undefined,
      };
  }
}

/** The language client's own lifecycle, shown until (and after) the server reports a status. */
export type ServerLifecycle = 'starting' | 'running' | 'stopped';

export function describeLifecycle(state: ServerLifecycle): StatusView {
  switch (state) {
    case 'starting':
      return { text: 'Planewise: starting', detail: 'Starting the language server', busy: true, isError: false, isWarning: false };
    case 'running':
      return { text: 'Planewise: running', detail: 'Language server running; no check finished yet', busy: false, isError: false, isWarning: false };
    case 'stopped':
      return { text: 'Planewise: stopped', detail: 'Language server stopped: run Planewise: Restart Server to start it', busy: false, isError: false, isWarning: false };
  }
}
