/**
 * What the notification after a quick fix that changed other files says. A
 * fix that moves analysis edits the handler and the post-execution module
 * (and may create files): the user learns which, with Open and Undo, since
 * VS Code applies such an edit without showing the other files.
 */

export interface ChangedFile {
  /** As the workspace shows it: `src/analysis/post-execution.ts`. */
  path: string;
  created: boolean;
}

/** "Move analysis out of the execution path changed src/handlers/orders.ts and created src/analysis/post-execution.ts (not saved yet)." */
export function fixNotice(title: string, files: readonly ChangedFile[]): string {
  const changed = files.filter((file) => !file.created).map((file) => file.path);
  const created = files.filter((file) => file.created).map((file) => file.path);
  const parts = [changed.length > 0 ? `changed ${listOf(changed)}` : '', created.length > 0 ? `created ${listOf(created)}` : ''].filter((part) => part !== '');
  return `${title} ${parts.join(' and ')} (not saved yet).`;
}

function listOf(paths: readonly string[]): string {
  if (paths.length <= 1) return paths.join('');
  return `${paths.slice(0, -1).join(', ')} and ${paths[paths.length - 1]}`;
}
