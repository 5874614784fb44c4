/**
 * The common shape of a framework adapter: it looks at one syntax node of the
 * facts walk and says which functions run on a request path, and why. One
 * adapter per framework, each in its own file, listed in index.ts.
 */
import type { ts } from '../compiler';

/** A function this file defines that a framework calls for a request. */
export interface EntryDetection {
  kind: 'function';
  /** The function-like node itself (function, arrow, method) that handles the request. */
  node: ts.Node;
  /** Shown in findings: "Express route handler (GET /orders)". */
  reason: string;
  /** How the function is named when the code gives it no name: "GET /orders". */
  key?: string;
}

/** A function named by reference (`app.get('/x', handleX)`), defined here or in another file. */
export interface EntryReferenceDetection {
  kind: 'reference';
  expression: ts.Expression;
  reason: string;
}

export type Detection = EntryDetection | EntryReferenceDetection;

/** What an adapter may ask about the file being walked. */
export interface FileContext {
  readonly source: ts.SourceFile;
  /** Forward-slash path of the file. */
  readonly path: string;
  /** Whether the file imports (or requires) a module whose specifier is, or starts with `name/`. */
  imports(name: string): boolean;
  /** The module a local binding is imported from, if any. */
  importedFrom(local: string): string | undefined;
}

export interface FrameworkAdapter {
  /** Short, stable name used in measurements: "express", "nextjs". */
  id: string;
  /** Cheap per-file check, so adapters that cannot match skip the file's nodes. */
  appliesTo(file: FileContext): boolean;
  /** Entry points this node declares; an empty list when it declares none. */
  detect(node: ts.Node, file: FileContext): Detection[];
}
