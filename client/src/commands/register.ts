/**
 * Every Planewise command. Each accepts optional URI arguments (explorer and
 * editor context menus pass them, and so can tests or other extensions) and
 * falls back to a dialog only when nothing was given.
 */
import path from 'node:path';
import * as vscode from 'vscode';
import { CHECK_WORKSPACE_COMMAND, CREATE_CONFIG_COMMAND, type CheckWorkspaceResult, type CreateConfigResult } from '@planewise/server/protocol';
import type { LanguageServer } from '../server/languageServer';
import { JobCancelledError, runTraceJob } from '../traceEditor/jobRunner';
import { TraceEditorProvider } from '../traceEditor/provider';
import type { JobResult } from '../traceEditor/workerProtocol';
import { activeTraceUri, activeTraceViewerUri, baseName, besidePick, describeInputs, isTraceUri, isUri, pickTraceInputs, writeNewFile } from './inputs';
import { pickPolicyFormat, policyFormatChoice } from './policyFormats';
import { type SaveReportOptions, saveActiveReport, showReport } from './reportPanel';

export interface CommandDeps {
  log: vscode.LogOutputChannel;
  getServer(): Promise<LanguageServer>;
  restartServer(): Promise<void>;
  traceEditor: TraceEditorProvider;
}

/** Options a caller may pass as the last argument instead of answering dialogs. */
export interface OutputOptions {
  /** Write here (refused if the file exists unless `overwrite`), or open an untitled document. */
  output?: vscode.Uri | 'untitled';
  overwrite?: boolean;
}

function optionsArg<T extends object>(args: unknown[]): T {
  const last = args.at(-1);
  return (typeof last === 'object' && last !== null && !Array.isArray(last) && !isUri(last) ? last : {}) as T;
}

export function registerCommands(context: vscode.ExtensionContext, deps: CommandDeps): void {
  const { log } = deps;
  const register = (id: string, run: (...args: unknown[]) => Promise<unknown>) =>
    context.subscriptions.push(
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        try {
          return await run(...args);
        } catch (error) {
          if (error instanceof JobCancelledError) {
            log.info(`${id}: cancelled`);
            return undefined;
          }
          const message = error instanceof Error ? error.message : String(error);
          log.error(`${id}: ${message}`);
          void vscode.window.showErrorMessage(`Planewise: ${message}`);
          // Callers (tests, other extensions) see the failure too.
          throw error;
        }
      }),
    );

  /** Opens `result` as an untitled document or writes it where the caller said. */
  const deliver = async (result: JobResult, options: OutputOptions, suggestedName: string, scope: vscode.Uri | undefined): Promise<vscode.Uri> => {
    for (const note of result.notes ?? []) log.info(note);
    if (isUri(options.output)) {
      await writeNewFile(options.output, result.text, options.overwrite === true);
      void vscode.window.showInformationMessage(`${result.headline} Saved to ${vscode.workspace.asRelativePath(options.output)}.`);
      return options.output;
    }
    const document = await vscode.workspace.openTextDocument({ content: result.text, language: result.language });
    await vscode.window.showTextDocument(document, { preview: false });
    // Markdown results are read, not edited: show them rendered beside their source (kept open for Save As).
    if (result.language === 'markdown') await vscode.commands.executeCommand('markdown.showPreviewToSide', document.uri);
    void vscode.window.showInformationMessage(result.headline, 'Save As…').then(async (choice) => {
      if (choice !== 'Save As…') return;
      const folder = scope ? path.dirname(scope.fsPath) : vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
      const target = await vscode.window.showSaveDialog({
        ...(folder ? { defaultUri: vscode.Uri.file(path.join(folder, suggestedName)) } : {}),
        title: 'Save',
      });
      // The save dialog itself asks before replacing an existing file.
      if (target) await vscode.workspace.fs.writeFile(target, Buffer.from(result.text, 'utf8'));
    });
    return document.uri;
  };

  register('planewise.generatePolicy', async (...args) => {
    const options = optionsArg<OutputOptions & { wildcardThreshold?: number; format?: string }>(args);
    if (options.format !== undefined && policyFormatChoice(options.format) === undefined) throw new Error(`unknown policy format "${options.format}"`);
    const inputs = await pickTraceInputs(args[0], args[1], 'Generate a policy from these traces');
    if (!inputs?.length) return undefined;
    // A caller that passes options answers no dialog it did not name: the format is then the planewise JSON.
    const passedOptions = Object.keys(options).length > 0;
    const format = options.format !== undefined || passedOptions ? policyFormatChoice(options.format ?? 'json') : await pickPolicyFormat('Generate a policy as');
    if (!format) return undefined;
    const result = await runTraceJob(
      context,
      `Generating a policy from ${describeInputs(inputs)}`,
      { kind: 'policy', inputs: inputs.map((uri) => uri.fsPath), format: format.name, ...(options.wildcardThreshold !== undefined ? { wildcardThreshold: options.wildcardThreshold } : {}) },
      inputs[0],
    );
    return deliver(result, options, `${baseName(inputs)}${format.fileSuffix}`, inputs[0]);
  });

  register('planewise.summarizeTrace', async (...args) => {
    const options = optionsArg<OutputOptions>(args);
    const inputs = await pickTraceInputs(args[0], args[1], 'Summarize these traces');
    if (!inputs?.length) return undefined;
    const [only] = inputs;
    const shownInViewer = activeTraceViewerUri()?.toString() === only?.toString();
    if (inputs.length === 1 && only && isTraceUri(only) && options.output === undefined && !shownInViewer) {
      // One trace: its viewer is the summary, live and explorable; from the viewer itself, the Markdown summary.
      await vscode.commands.executeCommand('vscode.openWith', only, TraceEditorProvider.viewType);
      return only;
    }
    const result = await runTraceJob(context, `Summarizing ${describeInputs(inputs)}`, { kind: 'summary', inputs: inputs.map((uri) => uri.fsPath) }, only);
    return deliver(result, options, `${baseName(inputs)}.summary.md`, only);
  });

  register('planewise.compareTraces', async (...args) => {
    const options = optionsArg<OutputOptions>(args);
    const selection = Array.isArray(args[1]) ? args[1].filter(isUri) : [];
    let before: vscode.Uri | undefined = selection.length === 2 ? selection[0] : isUri(args[0]) ? args[0] : undefined;
    let after: vscode.Uri | undefined = selection.length === 2 ? selection[1] : isUri(args[1]) ? args[1] : undefined;
    before ??= (await pickTraceInputs(undefined, undefined, 'Compare: the trace (or folder) before', { allowMany: false }))?.[0];
    if (!before) return undefined;
    // The active trace was already taken as "before"; the second dialog opens where the first pick was.
    after ??= (
      await pickTraceInputs(undefined, undefined, `Compare ${vscode.workspace.asRelativePath(before)} with: the trace (or folder) after`, {
        allowMany: false,
        useActive: false,
        defaultUri: besidePick(before),
      })
    )?.[0];
    if (!after) return undefined;
    const result = await runTraceJob(
      context,
      `Comparing ${vscode.workspace.asRelativePath(before)} with ${vscode.workspace.asRelativePath(after)}`,
      { kind: 'diff', before: [before.fsPath], after: [after.fsPath] },
      before,
    );
    return deliver(result, options, `${baseName([before])}.diff.md`, before);
  });

  register('planewise.checkDrift', async (...args) => {
    const options = optionsArg<OutputOptions & { policy?: vscode.Uri }>(args);
    const inputs = await pickTraceInputs(args[0], args[1], 'Check drift: the traces of what ran');
    if (!inputs?.length) return undefined;
    const policy =
      options.policy ??
      (
        await vscode.window.showOpenDialog({
          canSelectFiles: true,
          canSelectMany: false,
          openLabel: 'Check Against This Policy',
          title: 'The declared policy (JSON) to check the traces against',
          filters: { 'Policy JSON': ['json'] },
        })
      )?.[0];
    if (!policy) return undefined;
    const result = await runTraceJob(
      context,
      `Checking ${describeInputs(inputs)} against ${vscode.workspace.asRelativePath(policy)}`,
      { kind: 'drift', policyFile: policy.fsPath, inputs: inputs.map((uri) => uri.fsPath) },
      inputs[0],
    );
    return deliver(result, options, `${baseName(inputs)}.drift.md`, inputs[0]);
  });

  register('planewise.createReport', async (...args) => {
    const options = optionsArg<OutputOptions & { format?: 'html' | 'markdown' }>(args);
    const inputs = await pickTraceInputs(args[0], args[1], 'Create a compliance report from these traces');
    if (!inputs?.length) return undefined;
    const format = options.format ?? (isUri(options.output) && options.output.path.endsWith('.md') ? 'markdown' : 'html');
    const result = await runTraceJob(context, `Creating a compliance report from ${describeInputs(inputs)}`, { kind: 'report', inputs: inputs.map((uri) => uri.fsPath), format }, inputs[0]);
    if (options.output !== undefined || format === 'markdown') return deliver(result, options, `${baseName(inputs)}.report.${format === 'html' ? 'html' : 'md'}`, inputs[0]);
    return showReport(context, log, result, `Compliance report: ${describeInputs(inputs)}`, `${baseName(inputs)}.report.html`, inputs[0]);
  });

  register('planewise.saveReport', async (...args) => saveActiveReport(optionsArg<SaveReportOptions>(args)));

  register('planewise.checkWorkspace', async () => {
    const server = await deps.getServer();
    // The server reports its own cancellable work-done progress for the check.
    const result = await server.executeCommand<CheckWorkspaceResult>(CHECK_WORKSPACE_COMMAND);
    const message = `Checked ${result.filesChecked} files in ${Math.round(result.durationMs)} ms: ${result.errors} errors, ${result.warnings} warnings.`;
    log.info(message);
    void vscode.window.showInformationMessage(`Planewise: ${message}`, 'Show Problems').then((choice) => {
      if (choice) void vscode.commands.executeCommand('workbench.actions.view.problems');
    });
    return result;
  });

  register('planewise.createConfig', async (...args) => {
    const folder = isUri(args[0]) ? args[0] : (vscode.workspace.workspaceFolders?.length ?? 0) > 1 ? (await vscode.window.showWorkspaceFolderPick())?.uri : vscode.workspace.workspaceFolders?.[0]?.uri;
    if (!folder) throw new Error('Open a folder first: the config is created at its root.');
    const server = await deps.getServer();
    const result = await server.executeCommand<CreateConfigResult>(CREATE_CONFIG_COMMAND, [folder.toString()]);
    log.info(`Create config: ${result.message}`);
    if (result.uri) await vscode.window.showTextDocument(vscode.Uri.parse(result.uri), { preview: false });
    if (result.created) void vscode.window.showInformationMessage(`Planewise: ${result.message}`);
    else if (!result.uri) throw new Error(result.message);
    else void vscode.window.showInformationMessage(`Planewise: ${result.message}`);
    return result;
  });

  register('planewise.restartServer', async () => {
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Planewise: restarting the language server…' }, () => deps.restartServer());
    log.info('Language server restarted');
    void vscode.window.showInformationMessage('Planewise: the language server restarted.');
  });

  register('planewise.openTraceAsText', async (...args) => {
    const uri = isUri(args[0]) ? args[0] : activeTraceUri();
    if (!uri) throw new Error('No trace is open.');
    await vscode.commands.executeCommand('vscode.openWith', uri, 'default');
    return uri;
  });

  register('planewise.openTraceViewer', async (...args) => {
    const uri = isUri(args[0]) ? args[0] : activeTraceUri();
    if (!uri) throw new Error('No trace is open.');
    await vscode.commands.executeCommand('vscode.openWith', uri, TraceEditorProvider.viewType);
    return uri;
  });

  register('planewise.showOutput', async () => log.show());

  if (context.extensionMode === vscode.ExtensionMode.Test || process.env.PLANEWISE_TEST === '1') {
    // Read-back and drive hooks for the tests that run inside VS Code; never registered for users.
    register('planewise.test.serverStatusText', async () => (await deps.getServer()).statusText);
    register('planewise.test.getTraceViewState', async (...args) => deps.traceEditor.viewer(isUri(args[0]) ? args[0] : undefined)?.state);
    register('planewise.test.traceViewer', async (uri, action, argument, format) => {
      const viewer = deps.traceEditor.viewer(isUri(uri) ? uri : undefined);
      if (!viewer) throw new Error('no trace viewer is open for that file');
      if (action === 'savePolicy' && isUri(argument)) return viewer.savePolicy(argument, typeof format === 'string' ? format : undefined);
      if (action === 'compare' && isUri(argument)) return viewer.pickCompare(argument);
      if (action === 'policyJson') return viewer.policyJson(typeof argument === 'string' ? argument : undefined);
      if (action === 'message') return viewer.fromWebview(argument);
      throw new Error(`unknown trace viewer action ${String(action)}`);
    });
  }
}
