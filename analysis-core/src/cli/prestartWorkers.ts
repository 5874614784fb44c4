/**
 * Evaluated first in the CLI bundle (main.ts imports it before anything else):
 * a trace command that will split a large file starts its worker now, while
 * the rest of the bundle loads, instead of after (see trace/parallel/prestart.ts).
 */
import { bundledWorkerScript, prestartForArguments } from '../trace/parallel/prestart';

/** The commands that read traces through analyzeTraces. */
export const TRACE_READING_COMMANDS: ReadonlySet<string> = new Set(['diff', 'drift', 'policy', 'report', 'summarize', 'validate']);

const [command, ...rest] = process.argv.slice(2);
// Running from source (tests through tsx) there is no bundled worker to start.
const script = __filename.endsWith('.js') ? bundledWorkerScript(__dirname) : undefined;
if (command !== undefined && TRACE_READING_COMMANDS.has(command) && script !== undefined) prestartForArguments(rest, script);
