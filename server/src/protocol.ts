/**
 * Messages between the Planewise language server and its clients beyond
 * standard LSP. Plain types and string constants only: the extension and the
 * server both import this file, and nothing here may pull in a runtime.
 */

export type ServerState = 'starting' | 'checking' | 'idle' | 'error';

/** Server -> client notification: the state shown in the language status item. */
export const STATUS_NOTIFICATION = 'planewise/status';

export interface StatusParams {
  state: ServerState;
  /** Planes found in the workspace, e.g. { data: 12, control: 4, intelligence: 7 }. */
  planes: Record<string, number>;
  filesChecked: number;
  findings: number;
  /** Wall time of the last check in milliseconds. */
  lastCheckMs: number;
  /** Epoch milliseconds when the last check finished. */
  lastCheckAt: number | undefined;
  /** A config problem or internal error the user should see, if any. */
  message?: string;
  /** Set when many imports did not resolve in the last full check: findings through them are missed. */
  resolutionWarning?: string;
}

/** workspace/executeCommand ids the server implements. */
export const CHECK_WORKSPACE_COMMAND = 'planewise.server.checkWorkspace';
export const CREATE_CONFIG_COMMAND = 'planewise.server.createConfig';
/** Opens a rule's page (argument: its URL) with window/showDocument; code actions "Open documentation" use it. */
export const OPEN_RULE_DOCS_COMMAND = 'planewise.server.openRuleDocs';

/** Diagnostic source and the code of problems with `planewise-ignore-next-line` comments themselves. */
export const DIAGNOSTIC_SOURCE = 'planewise';
export const SUPPRESSION_CODE = 'suppression';

/** initializationOptions the Planewise extension sends. */
export interface PlanewiseInitializationOptions {
  /**
   * Apply a fix that also changes other files at once, without a preview:
   * VS Code's refactoring preview leaves edits that need confirmation
   * unticked, so Apply would change the handler and drop the rest.
   */
  applyFixesAtOnce?: boolean;
  /**
   * Whether the editor trusts the workspace (VS Code's workspace trust). Fixes
   * are formatted with the project's own Prettier only in a trusted workspace:
   * loading it runs the workspace's code. Editors that do not send it decide
   * with the `formatWithPrettier` setting alone.
   */
  workspaceTrusted?: boolean;
}

export interface CheckWorkspaceResult {
  filesChecked: number;
  errors: number;
  warnings: number;
  durationMs: number;
}

/** What CREATE_CONFIG_COMMAND did (argument: a workspace folder URI; default the first folder). */
export interface CreateConfigResult {
  created: boolean;
  /** The config file, created now or already there. */
  uri?: string;
  message: string;
}

/** Settings the client sends under `planewise` (workspace/configuration, per resource). */
export interface PlanewiseSettings {
  enable: boolean;
  run: 'onType' | 'onSave';
  /** Overrides the severity the config file gives a rule. */
  rules: Record<string, 'error' | 'warn' | 'off'>;
  trace: { server: 'off' | 'messages' | 'verbose' };
  /**
   * Where rule pages live, e.g. "https://example.com/planewise/docs/rules/".
   * Absent: diagnostics link to the docs/rules/*.md files shipped beside the server.
   */
  docsBaseUrl?: string;
  /**
   * Format the code fixes write with the project's own Prettier (when it has a
   * Prettier config and Prettier installed). Off unless set: it runs the
   * workspace's code, so turn it on only for workspaces you trust.
   */
  formatWithPrettier: boolean;
}
