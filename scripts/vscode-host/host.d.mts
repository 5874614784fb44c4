// Types of host.mjs, for the TypeScript end-to-end harness.
import type { Browser } from 'playwright-core';
import type { HostPaths } from './ensure.mjs';

export declare const repoRoot: string;
export declare const QUIET_SETTINGS: Readonly<Record<string, unknown>>;
export declare function resultsDir(env?: NodeJS.ProcessEnv): string;
export declare function fileSafe(label: string): string;
export declare function copyWorkspace(source: string, target: string): void;
export declare function tempDir(prefix: string): { dir: string; remove(): void };
export declare function writeUserSettings(userDataDir: string, settings: Readonly<Record<string, unknown>>): void;

export interface ProfileDirs {
  host: HostPaths;
  userDataDir: string;
  extensionsDir: string;
  /** Holds XDG folders and code-server's config. */
  stateDir: string;
  env?: NodeJS.ProcessEnv;
}

export interface CodeServer {
  /** `http://127.0.0.1:PORT` */
  baseUrl: string;
  /** Everything code-server printed so far. */
  output(): string;
  /** Ends code-server and every process it started. */
  stop(): Promise<void>;
}

export declare function startCodeServer(options: ProfileDirs & { smokeTestDriver?: boolean; log?: (text: string) => void }): Promise<CodeServer>;
export declare function installVsix(options: ProfileDirs & { vsix: string }): Promise<void>;
export declare function installExtensionFolder(options: { folder: string; extensionsDir: string }): string;
export declare function remoteUri(baseUrl: string, absolutePath: string): string;
export declare function workbenchUrl(
  baseUrl: string,
  options?: { folder?: string; extensionDevelopmentPaths?: string[]; extensionTestsPath?: string },
): string;
export declare function launchChromium(env?: NodeJS.ProcessEnv): Promise<Browser>;
