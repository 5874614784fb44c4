/**
 * Shows a compliance report's HTML in a webview that can run nothing: scripts
 * are disabled, and a strict CSP allows only the report's own <style> blocks
 * (by hash), so even a value that escaped escaping could not execute. The
 * webview follows the theme; Save Report writes the report as generated.
 */
import path from 'node:path';
import * as vscode from 'vscode';
import type { JobResult } from '../traceEditor/workerProtocol';
import { writeNewFile } from './inputs';
import { reportDocument } from './reportHtml';

/** The report panel's view type; `activeWebviewPanelId` equals it while a report is focused (see package.json). */
export const REPORT_VIEW_TYPE = 'planewise.report';

interface ShownReport {
  panel: vscode.WebviewPanel;
  /** The self-contained, theme-neutral HTML that Save Report writes. */
  html: string;
  suggestedName: string;
  scope: vscode.Uri | undefined;
}

export interface SaveReportOptions {
  /** Write here instead of asking (refused if the file exists unless `overwrite`). */
  output?: vscode.Uri;
  overwrite?: boolean;
}

const shown: ShownReport[] = [];

export async function showReport(
  context: vscode.ExtensionContext,
  log: vscode.LogOutputChannel,
  result: JobResult,
  title: string,
  suggestedName: string,
  scope: vscode.Uri | undefined,
): Promise<vscode.WebviewPanel> {
  const panel = vscode.window.createWebviewPanel(REPORT_VIEW_TYPE, title, vscode.ViewColumn.Active, {
    enableScripts: false,
    localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'media')],
  });
  panel.webview.html = reportDocument(result.text, panel.webview.cspSource);
  const report: ShownReport = { panel, html: result.text, suggestedName, scope };
  shown.push(report);
  panel.onDidDispose(() => shown.splice(shown.indexOf(report), 1));
  log.info(`Report shown: ${result.headline}`);
  void vscode.window.showInformationMessage(result.headline, 'Save Report…').then(async (choice) => {
    if (choice === 'Save Report…') await saveReport(report, {});
  });
  return panel;
}

/** Saves the focused report (the editor-title button's target), else the newest one shown. */
export async function saveActiveReport(options: SaveReportOptions): Promise<vscode.Uri | undefined> {
  const report = shown.find((candidate) => candidate.panel.active) ?? shown.at(-1);
  if (!report) throw new Error('No compliance report is open.');
  return saveReport(report, options);
}

async function saveReport(report: ShownReport, options: SaveReportOptions): Promise<vscode.Uri | undefined> {
  if (options.output) {
    await writeNewFile(options.output, report.html, options.overwrite === true);
    return options.output;
  }
  const folder = report.scope ? path.dirname(report.scope.fsPath) : vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const target = await vscode.window.showSaveDialog({
    ...(folder ? { defaultUri: vscode.Uri.file(path.join(folder, report.suggestedName)) } : {}),
    filters: { HTML: ['html'] },
    title: 'Save the compliance report',
  });
  // The save dialog itself asks before replacing an existing file.
  if (target) await vscode.workspace.fs.writeFile(target, Buffer.from(report.html, 'utf8'));
  return target;
}
