export * from './schema';
export { isTraceEvent, isTraceHeader, explainInvalidEvent, explainInvalidHeader } from './validate';
export {
  type EventLocation,
  type TraceIssue,
  type TraceSink,
  type FullEventSink,
  type CoreEventSink,
  type ParserState,
  type LineCounts,
  LineParser,
  initialParserState,
  issueLocation,
  eventsOfRecordText,
} from './lineParser';
export {
  DEFAULT_MAX_LINE_BYTES,
  type ReadCheckpoint,
  type ReadOptions,
  type ReadResult,
  type RangeOptions,
  readTraceFile,
  readTraceRange,
  readTraceStream,
  type TraceFileForm,
  traceFileForm,
} from './reader';
export { type JsonLinesCopyOptions, copyAsJsonLines } from './jsonLinesCopy';
export { type InputFs, TRACE_FILE_PATTERNS, type TraceSource, TraceInputError, UnreadableInputError, resolveTraceInputs } from './inputs';
export { AUTHZ_ATTRIBUTES, type OtlpConversion, isOtlpBatch, otlpBatchToEvents, operationName } from './otlp';
export { QuantileSketch, RELATIVE_ACCURACY, type SketchState } from './sketch';
export { escapeLiteral, unescapeLiteral, hasWildcard, matchesAction, matchesResource } from './patterns';
export { ALL_ANALYSES, DEFAULT_ISSUE_CAP, type DigestAnalyses, type DigestState, type FileReport, TraceDigest } from './digest';
export { type AnalyzeOptions, DEFAULT_PARALLEL_MIN_BYTES, MIN_RANGE_BYTES, analyzeTraces, defaultJobs, maxUsefulJobs } from './analyze';
export * from './analyses/summarize';
export * from './analyses/policy';
export { POLICY_FORMATS, type PolicyFormat, policyFormat, renderPolicyFormat } from './policyFormats';
export * from './analyses/diff';
export * from './analyses/drift';
export * from './analyses/report';
export * from './state';
export { DEFAULT_MAX_DOCUMENT_BYTES } from './jsonDocument';
