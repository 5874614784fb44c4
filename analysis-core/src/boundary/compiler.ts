// The TypeScript compiler API, as ts-morph ships it. ts-morph is CommonJS, so
// the bundle reaches each of its exports through a getter on every access;
// `ts.forEachChild`, `ts.isCallExpression`, `ts.SyntaxKind` run millions of
// times on a large repository and that getter alone cost seconds. This alias
// is read once, and every module takes `ts` from here.
import { ts as morphCompiler } from 'ts-morph';

export import ts = morphCompiler;
