// Types of system-deps.mjs, for TypeScript callers.
export interface SystemPackage {
  name: string;
  provides: string;
  probe: { program?: string; file?: string };
  for: 'test' | 'bench';
}
export type Plan = { action: 'none' } | { action: 'install'; argv: string[][] } | { action: 'stop'; message: string };

export declare const SYSTEM_PACKAGES: readonly SystemPackage[];
export declare function isPresent(pkg: SystemPackage, env?: NodeJS.ProcessEnv): boolean;
export declare function installCommand(names: string[]): string;
export declare function plan(machine: { missing: string[]; isRoot: boolean; canSudo: boolean; hasApt: boolean }): Plan;
export declare function ensureSystemDeps(purpose?: 'test' | 'bench', options?: { env?: NodeJS.ProcessEnv; log?: (line: string) => void }): string | undefined;
