/**
 * @planewise/analysis-core/boundary: the plane boundary engine shared by
 * `planewise check` and the language server. Bundles ts-morph; the trace
 * entry point never imports this one.
 */
import { createEngine } from './engine';
import { diskHost, type FileHost } from './host';
import type { BoundaryEngine, BoundaryEngineOptions } from './types';

export * from './types';
export { CONFIG_FILE_NAME, CONFIG_RULE_ID, DEFAULT_PLANE_FOLDERS, DEFAULT_PRODUCT_PATHS } from './config';
export { OPEN_RULE_DOCS_COMMAND } from './fixes/common';
export { SUPPRESSION_RULE_ID } from './suppressions';
export { MAX_SOURCE_FILE_BYTES } from './engine';
export { NOT_CHECKED_RULE_ID } from './rule';
export { ruleMetas } from './rules';
export { toSarif, DOCS_BASE_URL, SARIF_SCHEMA_URI, type SarifOptions } from './sarif/sarif';
export { createBaseline, parseBaseline, filterBaseline, BASELINE_VERSION, type Baseline } from './baseline';
export { configJsonSchema } from './configSchema';
export { mergeResolutionSummaries } from './resolution/stats';

export { diskHost, type FileHost } from './host';

/** One engine per workspace root; see BoundaryEngine. `host` reads files (the disk unless given, e.g. fixed texts not yet written). */
export function createBoundaryEngine(options: BoundaryEngineOptions, host: FileHost = diskHost): BoundaryEngine {
  return createEngine(options, host);
}
export { safeFixes, combineFixes, applyFileChanges, unifiedDiff, type FixAllOptions } from './fixes/fixAll';
export { ProjectPrettier, formatFixChanges, formatFileChanges, type ProjectPrettierOptions } from './fixes/prettierFormat';
