/**
 * Entry point. Activation only registers things; the language server (and the
 * vscode-languageclient code behind it) loads later, once the workspace turns
 * out to have planes and is trusted.
 */
import * as vscode from 'vscode';
import { CONFIG_GLOB, workspaceNeedsServer } from './activation';
import { registerCommands } from './commands/register';
import type { LanguageServer } from './server/languageServer';
import { TraceEditorProvider } from './traceEditor/provider';

export interface PlanewiseApi {
  /** Wall time activate() took, in milliseconds. */
  readonly activationMs: number;
  /** Resolves once the decision to start the language server (or not) was carried out. */
  readonly serverReady: Promise<boolean>;
}

export function activate(context: vscode.ExtensionContext): PlanewiseApi {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('Planewise', { log: true });
  context.subscriptions.push(log);

  let server: LanguageServer | undefined;
  const getServer = async (): Promise<LanguageServer> => {
    if (!vscode.workspace.isTrusted) {
      throw new Error('Planewise does not run its language server in an untrusted workspace: trust the workspace to check boundaries.');
    }
    if (!server) {
      // Lazy: keeps vscode-languageclient out of activation.
      const { LanguageServer } = await import('./server/languageServer');
      server = new LanguageServer(context, log);
      context.subscriptions.push(server);
    }
    await server.start();
    return server;
  };

  const traceEditor = new TraceEditorProvider(context, log);
  context.subscriptions.push(
    vscode.window.registerCustomEditorProvider(TraceEditorProvider.viewType, traceEditor, {
      supportsMultipleEditorsPerDocument: true,
      webviewOptions: { retainContextWhenHidden: true },
    }),
  );
  registerCommands(context, { log, getServer, restartServer: async () => (server ? server.restart() : void (await getServer())), traceEditor });

  const startIfNeeded = async (): Promise<boolean> => {
    if (!vscode.workspace.isTrusted) {
      log.info('Workspace is not trusted: the language server stays off; the trace viewer and trace commands still work.');
      return false;
    }
    if (!(await workspaceNeedsServer())) {
      log.info('No planewise.config.json and no plane folders in this workspace: the language server stays off until one appears.');
      return false;
    }
    await getServer();
    return true;
  };
  const serverReady = startIfNeeded().catch((error: unknown) => {
    log.error(`Could not start the language server: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  });

  const configWatcher = vscode.workspace.createFileSystemWatcher(CONFIG_GLOB, false, true, true);
  context.subscriptions.push(
    configWatcher,
    configWatcher.onDidCreate(() => void startIfNeeded()),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void startIfNeeded()),
  );

  const activationMs = performance.now() - started;
  log.info(`Activated in ${activationMs.toFixed(1)} ms (${context.extensionMode === vscode.ExtensionMode.Test ? 'test' : 'normal'} mode)`);
  return { activationMs, serverReady };
}

export function deactivate(): void {
  // Everything, the language client included, is in context.subscriptions.
}
