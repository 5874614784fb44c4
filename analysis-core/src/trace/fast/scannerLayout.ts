/**
 * The contract between the WebAssembly scanner (assembly/lineScanner.ts,
 * which imports this file) and its TypeScript side (coreScanner.ts): what a
 * scan answers, the flags it takes, and where it writes its results. Plain
 * integer constants, valid AssemblyScript and TypeScript alike, so the two
 * sides read one definition.
 */

/** What a scan answers. */
export const SCAN_UNSURE = 0;
export const SCAN_SPAN = 1;
export const SCAN_AUTHZ = 2;

/** Which pair records a scan fills in: flags for `scanLine`. */
export const PAIR_OPERATIONS = 1;
export const PAIR_ACCESSES = 2;
/** Count each authz line's (principal, action, resource) grant in the scanner; needs PAIR_ACCESSES too. */
export const COUNT_GRANTS = 4;

/** Words per grant in a grant listing: (principal, action) record, resource id, allow, explicit deny, implicit deny. */
export const GRANT_WORDS = 5;

/** The result area: its size, then each field's byte offset in it. */
export const RESULT_BYTES = 56;
/** f64 */
export const RESULT_TS = 0;
/** f64 */
export const RESULT_DURATION = 8;
/** i32 string ids from here on. */
export const RESULT_SERVICE = 16;
export const RESULT_OPERATION = 20;
export const RESULT_PRINCIPAL = 24;
export const RESULT_ACTION = 28;
export const RESULT_RESOURCE = 32;
/** An index into STATUS_NAMES. */
export const RESULT_STATUS = 36;
/** An index into DECISION_NAMES. */
export const RESULT_DECISION = 40;
/** 0 none, else an index into DENY_REASON_NAMES. */
export const RESULT_DENY_REASON = 44;
/** Pair records, when asked for: (service, operation) and (principal, action). */
export const RESULT_OPERATION_RECORD = 48;
export const RESULT_ACCESS_RECORD = 52;
