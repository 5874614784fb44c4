/** Every rule, in the order they run and are documented. */
import { CONFIG_RULE_ID } from '../config';
import { NOT_CHECKED_RULE_ID, type Rule } from '../rule';
import { SUPPRESSION_RULE_ID } from '../suppressions';
import type { RuleMeta } from '../types';
import { noAnalysisInExecutionPath } from './no-analysis-in-execution-path';
import { noLicenseGateInPlatform } from './no-license-gate-in-platform';
import { noProductImportInPlatform } from './no-product-import-in-platform';
import { noRuntimeCallsFromAnalysis } from './no-runtime-calls-from-analysis';
import { versionedTraceArtifacts } from './versioned-trace-artifacts';

export const allRules: readonly Rule<any>[] = [noAnalysisInExecutionPath, noRuntimeCallsFromAnalysis, noLicenseGateInPlatform, noProductImportInPlatform, versionedTraceArtifacts];

/** Metadata of the rules plus the two built-in checks whose findings are not from a rule file. */
export const ruleMetas: readonly RuleMeta[] = [
  ...allRules.map(({ meta }) => ({ id: meta.id, defaultSeverity: meta.defaultSeverity, docs: meta.docs, fixable: meta.fixable })),
  {
    id: CONFIG_RULE_ID,
    defaultSeverity: 'error',
    docs: { description: 'planewise.config.json must be valid: known keys, severities and rule options, globs that match files, one plane per file.', page: 'docs/configuration.md' },
    fixable: false,
  },
  {
    id: SUPPRESSION_RULE_ID,
    defaultSeverity: 'error',
    docs: { description: 'A planewise-ignore-next-line comment must name known rules, give a reason, and suppress something.', page: 'docs/rules/suppressions.md' },
    fixable: false,
  },
  {
    id: NOT_CHECKED_RULE_ID,
    defaultSeverity: 'error',
    docs: { description: 'Every file is checked: one too large (a warning) or one that cannot be parsed or analysed (an error) is reported on the file.', page: 'docs/configuration.md' },
    fixable: false,
  },
];
