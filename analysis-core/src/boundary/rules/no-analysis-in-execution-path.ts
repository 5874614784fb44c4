/**
 * Analysis called on a runtime path: in a request handler or any
 * data/control-plane function, directly or through helpers in unassigned code
 * (handler -> helper -> generateReport). Analysis is intelligence-plane code,
 * or product code whose name says it interprets outcomes (aggregates,
 * summarizes, reports, scores, forecasts, generates policies). Other calls
 * into product code (billing, license checks, models, small predicates) are
 * the import and license rules' business. Reported once per call site in
 * platform code; related information lists each hop of the chain.
 */
import { MODULE_FUNCTION, type CallFact, type CallTarget, type FunctionFact } from '../facts';
import { moveAnalysisFixes } from '../fixes/moveAnalysis';
import { analysisFixNote, serveLastResultFixes } from '../fixes/serveLastResult';
import { isPlatform, isProductSide } from '../planes';
import { defineRule, type ProjectView, type ResolvedCall } from '../rule';
import type { RelatedInformation } from '../types';
import { identifierWords } from '../words';

/** Words that, as a name's verb (first word) or head (last word), say the code interprets outcomes. */
const ANALYSIS_WORDS = new Set([
  'analyze', 'analyse', 'analysis', 'analyses', 'analytics', 'aggregate', 'aggregates', 'aggregation', 'summarize', 'summarise', 'summary', 'summaries',
  'report', 'reports', 'reporting', 'score', 'scores', 'scoring', 'rank', 'ranking', 'forecast', 'forecasts', 'predict', 'prediction', 'predictions',
  'recommend', 'recommendation', 'recommendations', 'insight', 'insights', 'statistics', 'stats', 'trend', 'trends', 'anomaly', 'anomalies', 'classify',
  'cluster', 'dashboard', 'dashboards', 'digest', 'rollup', 'breakdown', 'funnel', 'retention', 'cohort', 'cohorts', 'attribution', 'similarity',
  'embedding', 'embeddings', 'completion', 'completions', 'trend', 'compliance',
]);
const POLICY_VERBS = new Set(['generate', 'infer', 'derive', 'suggest', 'learn', 'mine']);
/** A name's head noun comes before its first preposition: `secondsUntilAICanBeUsedAgainForEmbeddings` is about seconds, `getStatsForOrg` about stats. */
const PREPOSITIONS = new Set(['for', 'of', 'by', 'from', 'to', 'with', 'in', 'on', 'per', 'until', 'since', 'before', 'after', 'about', 'into', 'via', 'within', 'without']);

/** Whether a product function's name says it is analysis: `generateReport`, `scoreRisk`, `cosineSimilarity`; not `getLicense`, `createCustomer`. */
export function isAnalysisName(name: string): boolean {
  // Each part of `ReportService.generate` or `reports.generate` names it: the class or object, and the method.
  return name.split('.').some((part) => {
    const all = identifierWords(part);
    const preposition = all.findIndex((word, index) => index > 0 && PREPOSITIONS.has(word));
    const words = preposition === -1 ? all : all.slice(0, preposition);
    const first = words[0];
    const last = words[words.length - 1];
    if (first === undefined || last === undefined) return false;
    if (ANALYSIS_WORDS.has(first) || ANALYSIS_WORDS.has(last)) return true;
    return POLICY_VERBS.has(first) && (last === 'policy' || last === 'policies');
  });
}

export interface AnalysisTarget {
  /** How messages name it: "generateReport". */
  name: string;
  /** Where it comes from, for the related information: "generateReport (src/analysis/report.ts)". */
  label: string;
  /** The same for every call that reaches the same analysis. */
  id: string;
  kind: 'intelligence-plane' | 'product';
  location: RelatedInformation | undefined;
}

/** What the call reaches when it is analysis; undefined otherwise. */
export function analysisTarget(project: ProjectView, resolved: ResolvedCall, calleeText: string): AnalysisTarget | undefined {
  if (resolved.kind === 'package') {
    if (!project.isProductPackage(resolved.name) || !isAnalysisName([resolved.exportName, resolved.member].filter((part) => part !== undefined).join('.'))) return undefined;
    return { name: calleeText, label: `${calleeText} (product package ${resolved.name})`, id: `${resolved.name}:${resolved.exportName}`, kind: 'product', location: undefined };
  }
  if (resolved.kind !== 'function' && resolved.kind !== 'module') return undefined;
  if (resolved.kind === 'module' && resolved.constant === true) return undefined;
  const plane = project.planeOf(resolved.file);
  const tagged = resolved.kind === 'function' && resolved.fn.planeTag === 'intelligence';
  if (!tagged && !isProductSide(plane)) return undefined;
  if (resolved.kind === 'function' && resolved.fn.planeTag !== undefined && resolved.fn.planeTag !== 'intelligence') return undefined;
  const name = resolved.kind === 'function' ? resolved.fn.key : calleeText;
  // Intelligence-plane code is analysis by declaration; other product code only when its name says so.
  if (!tagged && plane.plane !== 'intelligence' && !isAnalysisName(resolved.kind === 'function' ? resolved.fn.key : `${resolved.name}.${calleeText}`)) return undefined;
  const where = project.relative(resolved.file);
  const location =
    resolved.kind === 'function' ? { file: resolved.file, range: resolved.fn.range, message: `${name} is ${plane.plane === 'intelligence' || tagged ? 'intelligence-plane' : 'product'} code` } : undefined;
  return { name, label: `${name} (${where})`, id: `${resolved.file}:${resolved.kind === 'function' ? resolved.fn.key : resolved.name}`, kind: plane.plane === 'intelligence' || tagged ? 'intelligence-plane' : 'product', location };
}

interface ExecutionPath {
  /** Why the function runs on the execution path, as a message starts: "Express route handler (POST /orders)", "putObject (data-plane)". */
  where: string;
  /** Where another file registers it as a request handler. */
  registration?: RelatedInformation;
}

/** Whether a function runs on the execution path by itself: it answers for its own calls. */
function executionPathOf(project: ProjectView, file: string, fn: FunctionFact): ExecutionPath | undefined {
  if (fn.planeTag === 'intelligence') return undefined;
  if (fn.planeTag === 'data' || fn.planeTag === 'control') return { where: `${fn.key} (${fn.planeTag}-plane)` };
  const plane = project.planeOf(file);
  if (isProductSide(plane)) return undefined;
  if (isPlatform(plane)) {
    if (fn.entry !== undefined) return { where: fn.entry };
    return { where: fn.key === MODULE_FUNCTION ? `Module code of this ${plane.plane}-plane file` : `${fn.key} (${plane.plane}-plane)` };
  }
  if (fn.entry !== undefined) return { where: fn.entry };
  const external = project.externalEntry(file, fn);
  if (external === undefined) return undefined;
  return { where: external.reason, registration: { file: external.file, range: external.range, message: `${fn.key} is registered here: ${external.reason}` } };
}

/**
 * Making an analysis object runs no analysis: its methods are judged where
 * they are called, as calls through the value. So constructing a class, or
 * calling a factory that returns an instance, is not a finding by itself.
 */
function constructsOnly(call: CallFact, resolved: ResolvedCall): boolean {
  return call.isNew || (resolved.kind === 'function' && resolved.fn.returns?.kind === 'instance');
}

interface ChainHop {
  file: string;
  call: CallFact;
  caller: string;
}

type Reach = { hops: ChainHop[]; target: AnalysisTarget } | null;

/** The first analysis call reachable from `fn` through helpers that are not execution-path functions themselves. */
function reachAnalysis(project: ProjectView, file: string, fn: FunctionFact, memo: Map<FunctionFact, Reach>, visiting: Set<FunctionFact>): Reach {
  if (memo.has(fn)) return memo.get(fn)!;
  if (visiting.has(fn)) return null;
  visiting.add(fn);
  let result: Reach = null;
  for (const call of fn.calls) {
    const resolved = project.resolveCall(file, call.target);
    const target = analysisTarget(project, resolved, call.calleeText);
    if (target !== undefined) {
      result = { hops: [{ file, call, caller: fn.key }], target };
      break;
    }
    if (resolved.kind !== 'function' || executionPathOf(project, resolved.file, resolved.fn) !== undefined) continue;
    if (isProductSide(project.planeOf(resolved.file))) continue;
    const deeper = reachAnalysis(project, resolved.file, resolved.fn, memo, visiting);
    if (deeper !== null) {
      result = { hops: [{ file, call, caller: fn.key }, ...deeper.hops], target: deeper.target };
      break;
    }
  }
  visiting.delete(fn);
  memo.set(fn, result);
  return result;
}

/** The import a call reaches its callee through, and the name it takes: the callee's own, or the class's or factory's its value came from. */
function importOf(target: CallTarget): { importIndex: number; name: string } | undefined {
  if (target.kind === 'import') return target;
  if (target.kind === 'member') return importOf(target.origin.of);
  return undefined;
}

export interface MoveAnalysisData {
  /** Offsets of the call in the platform file. */
  start: number;
  end: number;
  /** Where the analysis function is defined, when it is a function of this project. */
  analysisFile: string | undefined;
  analysisName: string;
  params: string[];
}

export const noAnalysisInExecutionPath = defineRule({
  meta: {
    id: 'no-analysis-in-execution-path',
    appliesTo: 'platform',
    defaultSeverity: 'error',
    docs: {
      description: 'Analysis (intelligence-plane or product code) must not run on a runtime path: emit a trace event and analyse after execution instead.',
      page: 'docs/rules/no-analysis-in-execution-path.md',
    },
    fixable: true,
    // Why, and what to do instead (emit a trace event, analyse the trace later), is on the docs page.
    messages: {
      direct: '{where} runs analysis {target}',
      transitive: 'Calls {helper}, which leads to analysis {target}',
    },
  },
  defaultOptions: undefined,
  check(context) {
    const { project, file, facts } = context;
    const memo = new Map<FunctionFact, Reach>();
    const viaImport = (call: CallFact) => {
      const use = importOf(call.target);
      const fact = use === undefined ? undefined : facts.imports[use.importIndex];
      return use === undefined || fact === undefined ? {} : { viaImport: { range: fact.range, name: use.name } };
    };
    for (const fn of facts.functions.values()) {
      const path = executionPathOf(project, file, fn);
      if (path === undefined) continue;
      const { where, registration } = path;
      const analysisCalls = new Map<CallFact, AnalysisTarget>();
      for (const call of fn.calls) {
        const target = analysisTarget(project, project.resolveCall(file, call.target), call.calleeText);
        if (target !== undefined && !constructsOnly(call, project.resolveCall(file, call.target))) analysisCalls.set(call, target);
      }
      for (const call of fn.calls) {
        const resolved = project.resolveCall(file, call.target);
        const target = analysisTarget(project, resolved, call.calleeText);
        if (target !== undefined && constructsOnly(call, resolved)) continue;
        if (target !== undefined) {
          // `score(x).then(...).catch(...)`: one finding for the call site, not one per chained call on its result.
          const inner = [...analysisCalls].some(([other, otherTarget]) => other !== call && otherTarget.id === target.id && other.start >= call.start && other.end <= call.end && other.end - other.start < call.end - call.start);
          if (inner) continue;
          const fixData: MoveAnalysisData = {
            start: call.start,
            end: call.end,
            analysisFile: resolved.kind === 'function' || resolved.kind === 'module' ? resolved.file : undefined,
            analysisName: resolved.kind === 'function' ? resolved.fn.key : call.calleeText,
            params: resolved.kind === 'function' ? resolved.fn.params : [],
          };
          const fixNote = analysisFixNote(project, file, context.source.compilerNode, fixData);
          context.report({
            messageId: 'direct',
            data: { target: target.name, where },
            range: call.range,
            key: `${fn.key}:${call.calleeText}`,
            related: [
              target.location ?? { file, range: call.range, message: `${target.label} is ${target.kind} code` },
              ...(registration === undefined ? [] : [registration]),
              ...(fixNote === undefined ? [] : [{ file, range: call.range, message: fixNote }]),
            ],
            fixData,
            ...viaImport(call),
          });
          continue;
        }
        if (resolved.kind !== 'function' || resolved.fn === fn) continue;
        if (executionPathOf(project, resolved.file, resolved.fn) !== undefined || isProductSide(project.planeOf(resolved.file))) continue;
        const reach = reachAnalysis(project, resolved.file, resolved.fn, memo, new Set([fn]));
        if (reach === null) continue;
        const transitiveFix: MoveAnalysisData = { start: call.start, end: call.end, analysisFile: resolved.file, analysisName: resolved.fn.key, params: resolved.fn.params };
        const fixNote = analysisFixNote(project, file, context.source.compilerNode, transitiveFix);
        const lastHop = reach.hops[reach.hops.length - 1]!;
        context.report({
          messageId: 'transitive',
          data: { helper: call.calleeText, target: reach.target.name },
          range: call.range,
          key: `${fn.key}:${call.calleeText}:${reach.target.label}`,
          // The fix moves the helper call that leads to the analysis.
          fixData: transitiveFix,
          ...viaImport(call),
          related: [
            { file, range: call.range, message: `${where} calls ${call.calleeText}` },
            ...(registration === undefined ? [] : [registration]),
            ...reach.hops.map((hop) => ({ file: hop.file, range: hop.call.range, message: `${hop.caller} (${project.relative(hop.file)}) calls ${hop.call.calleeText}` })),
            reach.target.location ?? { file: lastHop.file, range: lastHop.call.range, message: `${reach.target.label} is ${reach.target.kind} code` },
            ...(fixNote === undefined ? [] : [{ file, range: call.range, message: fixNote }]),
          ],
        });
      }
    }
  },
  fixes: (context) => [...moveAnalysisFixes(context), ...serveLastResultFixes(context)],
});
