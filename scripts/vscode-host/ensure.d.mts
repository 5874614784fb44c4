// Types of ensure.mjs, for TypeScript callers.
export declare const NODE_MAJOR: string;
export declare const CODE_SERVER_VERSION: string;

export interface HostPaths {
  dir: string;
  /** Node 24's install folder (bin/, include/). */
  nodeHome: string;
  nodeBinary: string;
  codeServerHome: string;
  /** code-server's entry script, run with `nodeBinary`. */
  codeServerEntry: string;
}

export declare function vsCodeHostDir(env?: NodeJS.ProcessEnv): string;
export declare function hostPaths(dir: string): HostPaths;
export declare function ensureVsCodeHost(options?: { log?: (line: string) => void; env?: NodeJS.ProcessEnv }): Promise<HostPaths>;
export declare function installEnv(env: NodeJS.ProcessEnv, nodeHome?: string): NodeJS.ProcessEnv;
export declare function findNpmCli(env?: NodeJS.ProcessEnv): string;
export declare function npmInstall(node: string, npmCli: string, prefix: string, spec: string, env: NodeJS.ProcessEnv): Promise<void>;
