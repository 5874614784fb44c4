/**
 * Checks of a config against the files it describes: no file to check, a
 * plane or a glob that matches nothing, files in two planes. The config's own
 * syntax and values are checked when it is parsed (config.ts).
 */
import path from 'node:path';
import { configFinding, type LoadedConfig } from './config';
import type { ConfigScopes } from './packageConfigs';
import { PLANES, type PlaneMatchers, toPosix } from './planes';
import type { Resolver } from './resolution/resolver';
import type { Finding } from './types';

export interface ConfigCheckInput {
  loaded: LoadedConfig;
  matchers: PlaneMatchers;
  /** The checked files, absolute. */
  files: ReadonlySet<string>;
  /** The files under the root that `include` matches, less `exclude`. */
  listFiles(include: readonly string[], exclude: readonly string[]): string[];
}

/** The config's parse problems and what its globs leave unchecked or checked twice. */
export function configFileFindings({ loaded, matchers, files, listFiles }: ConfigCheckInput): Finding[] {
  const found = [...loaded.findings];
  const { config } = loaded;
  const file = config.file;
  if (file === undefined) return found;
  if (files.size === 0) found.push(noFilesFinding(file, loaded, listFiles));
  const relativePaths = [...files].map((candidate) => toPosix(path.relative(config.baseDir, candidate)));
  const unmatched = matchers.planeGlobs.filter((glob) => !relativePaths.some((candidate) => glob.matches(candidate)));
  for (const plane of PLANES) {
    const globs = matchers.planeGlobs.filter((glob) => glob.plane === plane);
    const empty = globs.filter((glob) => unmatched.includes(glob));
    // A plane none of whose globs matches anything checks nothing: an error, not one warning per glob.
    if (globs.length > 0 && empty.length === globs.length && files.size > 0) {
      const list = globs.map((glob) => `"${glob.glob}"`).join(', ');
      found.push(configFinding(file, loaded.locate(['planes', plane]), `No file is in the ${plane} plane: none of its globs (${list}) matches a checked file, so the rules for ${plane}-plane code check nothing.`));
      continue;
    }
    for (const glob of empty) {
      found.push(configFinding(file, loaded.locate(['planes', glob.plane, glob.index]), `The ${glob.plane}-plane glob "${glob.glob}" matches no file.`, 'warn'));
    }
  }
  const overlaps = new Map<string, string[]>();
  for (const candidate of relativePaths) {
    const planes = PLANES.filter((plane) => matchers.planes?.[plane](candidate));
    if (planes.length > 1) {
      const pair = planes.join(' and ');
      overlaps.set(pair, [...(overlaps.get(pair) ?? []), candidate]);
    }
  }
  for (const [pair, inBoth] of overlaps) {
    const second = pair.split(' and ')[1]!;
    const sample = inBoth.slice(0, 3).join(', ') + (inBoth.length > 3 ? `, and ${inBoth.length - 3} more` : '');
    found.push(
      configFinding(
        file,
        loaded.locate(['planes', second]),
        `${inBoth.length} file(s) are in both the ${pair} planes (${sample}); a file belongs to one plane. They are checked as ${pair.split(' and ')[0]}-plane code until this is fixed.`,
      ),
    );
  }
  return found;
}

/** Checking zero files passes nothing: say which setting leaves nothing to check. */
function noFilesFinding(file: string, loaded: LoadedConfig, listFiles: ConfigCheckInput['listFiles']): Finding {
  const { config } = loaded;
  const includeList = config.include.map((glob) => `"${glob}"`).join(', ');
  const beforeExclude = listFiles(config.include, []).length;
  if (beforeExclude > 0) {
    return configFinding(file, loaded.locate(['exclude']), `No file to check: "exclude" (with the built-in exclusions of tests and build output) removes all ${beforeExclude} file(s) that "include" (${includeList}) matches.`);
  }
  return configFinding(file, loaded.locate(['include']), `No file to check: "include" (${includeList}) matches no file in the project.`);
}

/** Problems in package configs, and tsconfig files that could not be read while resolving imports (warnings on those files). */
export function scopedConfigFindings(scopes: ConfigScopes, resolver: Resolver): Finding[] {
  return [...scopes.findings(), ...resolver.problems().map((problem) => configFinding(problem.file, problem.range, problem.message, 'warn'))];
}
