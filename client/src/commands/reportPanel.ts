/**
 * Shows a compliance report's HTML in a webview that can run nothing: scripts
 * are disabled, and a strict CSP allows only the report's own <style> blocks
 * (by hash), so even a value that escaped escaping could not execute.
 */
import path from 'node:path';
import * as vscode from 'vscode';
import type { JobResult } from '../traceEditor/workerProtocol';
import { reportDocument } from './reportHtml';

export async function showReport(
  context: vscode.ExtensionContext,
  log: vscode.LogOutputChannel,
  result: JobResult,
  title: string,
  suggestedName: string,
  scope: vscode.Uri | undefined,
): Promise<vscode.WebviewPanel> {
  const panel = vscode.window.createWebviewPanel('planewise.report', title, vscode.ViewColumn.Active, {
    enableScripts: false,
    localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'media')],
  });
  panel.webview.html = reportDocument(result.text, panel.webview.cspSource);
  log.info(`Report shown: ${result.headline}`);
  void vscode.window.showInformationMessage(result.headline, 'Save Report…').then(async (choice) => {
    if (choice !== 'Save Report…') return;
    const folder = scope ? path.dirname(scope.fsPath) : vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const target = await vscode.window.showSaveDialog({
      ...(folder ? { defaultUri: vscode.Uri.file(path.join(folder, suggestedName)) } : {}),
      filters: { HTML: ['html'] },
      title: 'Save the compliance report',
    });
    if (target) await vscode.workspace.fs.writeFile(target, Buffer.from(result.text, 'utf8'));
  });
  return panel;
}
