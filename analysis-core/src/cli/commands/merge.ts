/** `planewise merge`: partial states into one, without reading any trace again. */
import { type TraceState, stateLines } from '../../trace';
import { type Command, UsageError } from '../command';
import { OUTPUT_HELP, OUTPUT_OPTIONS, emit } from '../output';
import { PRINCIPAL_LIMIT_HELP, PRINCIPAL_LIMIT_OPTIONS, inputExitCode, mergeNote, printIssues, principalScope, readStateInput } from '../traceInput';

export const merge: Command = {
  name: 'merge',
  summary: 'merge partial states (from --emit-state) into one, without the traces',
  help: `Usage: planewise merge [options] <state files>

Merges state files written by --emit-state (or by merge) into one: counts
add, latency sketches add bucket by bucket, so the result is what one read
of all their traces would give. A state whose every trace is in another is
counted once (noted on stderr); states that share only some traces are an
error, since counts cannot be subtracted. The states must hold the same
analyses (be written by commands that read the same: summarize; policy or
drift; report): an analysis merged from only some of them would count only
some traces. Use the result with --from-state.

Options:
${PRINCIPAL_LIMIT_HELP}
${OUTPUT_HELP}
  -h, --help              show this help

Exit codes: 0 ok, 1 invalid lines in a state were skipped, 2 usage, an
unreadable or overlapping state, states of different analyses.`,
  options: { ...PRINCIPAL_LIMIT_OPTIONS, ...OUTPUT_OPTIONS },
  async run(context) {
    if (context.positionals.length === 0) throw new UsageError('no input: name the state files to merge');
    const scope = principalScope(context);
    let merged: TraceState | undefined;
    for (const file of context.positionals) merged = mergeNote(context, merged, await readStateInput(context, file, scope), file);
    printIssues(context, merged!.digest);
    await emit(context, stateLines(merged!));
    return inputExitCode(merged!.digest);
  },
};
