/**
 * Decides whether a workspace needs the language server: it has a
 * planewise.config.json, or files in folders the boundary engine assigns to a
 * plane by name. Only file searches, so activation stays cheap.
 */
import * as vscode from 'vscode';

export const CONFIG_GLOB = '**/planewise.config.json';
// The boundary engine's folder-name defaults (used when no config declares planes).
const PLANE_FOLDERS = [
  'analysis', 'analyses', 'analytics', 'reports', 'reporting', 'compliance', 'insights',
  'auth', 'authz', 'gateway', 'policy-enforcement',
  'handlers', 'routes', 'controllers', 'services', 'storage',
];
export const PLANE_FOLDER_GLOB = `**/{${PLANE_FOLDERS.join(',')}}/**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}`;
const EXCLUDE = '**/{node_modules,dist,out,.git}/**';

export async function workspaceNeedsServer(token?: vscode.CancellationToken): Promise<boolean> {
  if (!vscode.workspace.workspaceFolders?.length) return false;
  const [config] = await vscode.workspace.findFiles(CONFIG_GLOB, EXCLUDE, 1, token);
  if (config) return true;
  const [planeFile] = await vscode.workspace.findFiles(PLANE_FOLDER_GLOB, EXCLUDE, 1, token);
  return planeFile !== undefined;
}
