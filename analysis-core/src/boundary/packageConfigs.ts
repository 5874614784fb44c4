/**
 * One planewise.config.json per package: a file's config is the nearest one
 * up the tree from it. Its globs are relative to its own folder; its rule
 * settings override those of the configs above it, down to the root's.
 */
import path from 'node:path';
import { findConfigFile, type LoadedConfig, parseConfig, type ResolvedConfig, type RuleSetting, type RuleValidation } from './config';
import type { FileHost } from './host';
import { planeMatchers, type PlaneMatchers } from './planes';
import type { Finding } from './types';

export interface ScopedConfig {
  config: ResolvedConfig;
  matchers: PlaneMatchers;
  /** This config's rule settings over those of every config above it. */
  rules: Map<string, RuleSetting>;
}

export interface ConfigScopes {
  configFor(file: string): ScopedConfig;
  /** Problems in the package configs read so far (the root's are the engine's own). */
  findings(): Finding[];
}

export function createConfigScopes(host: FileHost, root: ScopedConfig, rules: readonly RuleValidation[]): ConfigScopes {
  const byConfigFile = new Map<string, ScopedConfig>();
  const byDir = new Map<string, ScopedConfig>();
  const loaded: LoadedConfig[] = [];

  function scopeOf(configFile: string | undefined): ScopedConfig {
    if (configFile === undefined || configFile === root.config.file) return root;
    const known = byConfigFile.get(configFile);
    if (known !== undefined) return known;
    const parsed = parseConfig(configFile, host.readFile(configFile) ?? '', rules);
    loaded.push(parsed);
    const parent = scopeOf(findConfigFile(path.dirname(path.dirname(configFile)), (candidate) => host.fileExists(candidate)));
    const scope: ScopedConfig = { config: parsed.config, matchers: planeMatchers(parsed.config), rules: new Map([...parent.rules, ...parsed.config.rules]) };
    byConfigFile.set(configFile, scope);
    return scope;
  }

  return {
    configFor(file) {
      const dir = path.dirname(file);
      let scope = byDir.get(dir);
      if (scope === undefined) byDir.set(dir, (scope = scopeOf(findConfigFile(dir, (candidate) => host.fileExists(candidate)))));
      return scope;
    },
    findings: () => loaded.flatMap((config) => config.findings),
  };
}
