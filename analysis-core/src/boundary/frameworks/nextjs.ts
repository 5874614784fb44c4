/**
 * Next.js: App Router route handlers (`route.ts` under `app/` exporting GET, POST, …),
 * Pages Router API routes (the default export of files under `pages/api/`), and server
 * actions (a `'use server'` directive for the file or the function).
 */
import { ts } from '../compiler';
import { exportedHandlers, handlerOf, hasModifier, isFunctionLike } from './syntax';
import type { Detection, FileContext, FrameworkAdapter } from './types';

const ROUTE_FILE = /(^|\/)app\/(.+\/)?route\.[cm]?[jt]sx?$/;
const API_FILE = /(^|\/)pages\/api\/.+\.[cm]?[jt]sx?$/;
const HTTP_EXPORTS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

function hasUseServer(statements: readonly ts.Statement[]): boolean {
  for (const statement of statements) {
    if (!ts.isExpressionStatement(statement) || !ts.isStringLiteral(statement.expression)) return false;
    if (statement.expression.text === 'use server') return true;
  }
  return false;
}

/** Every exported function of a `'use server'` module is an action the browser can call. */
function exportedActions(node: ts.Node): Detection[] {
  const reason = (name: string) => `Next.js server action ${name}`;
  if (ts.isFunctionDeclaration(node) && node.body !== undefined && hasModifier(node, ts.SyntaxKind.ExportKeyword)) {
    return [{ kind: 'function', node, reason: reason(node.name?.text ?? 'default') }];
  }
  if (ts.isVariableStatement(node) && hasModifier(node, ts.SyntaxKind.ExportKeyword)) {
    const names = new Set(node.declarationList.declarations.flatMap((declaration) => (ts.isIdentifier(declaration.name) ? [declaration.name.text] : [])));
    return exportedHandlers(node, names, reason);
  }
  return [];
}

function defaultExport(node: ts.Node, reason: string): Detection[] {
  if (ts.isFunctionDeclaration(node) && node.body !== undefined && hasModifier(node, ts.SyntaxKind.ExportKeyword) && hasModifier(node, ts.SyntaxKind.DefaultKeyword)) {
    return [{ kind: 'function', node, reason, key: 'default' }];
  }
  if (ts.isExportAssignment(node) && !node.isExportEquals) {
    const found = handlerOf(node.expression, reason, 'default');
    return found === undefined ? [] : [found];
  }
  return [];
}

export const nextjsAdapter: FrameworkAdapter = {
  id: 'nextjs',
  appliesTo: (file: FileContext) => ROUTE_FILE.test(file.path) || API_FILE.test(file.path) || file.source.text.includes('use server'),
  detect(node, file) {
    const topLevel = node.parent !== undefined && ts.isSourceFile(node.parent);
    if (topLevel && ROUTE_FILE.test(file.path)) {
      const found = exportedHandlers(node, HTTP_EXPORTS, (name) => `Next.js route handler (${name} ${routeOf(file.path)})`);
      if (found.length > 0) return found;
    }
    if (topLevel && API_FILE.test(file.path)) {
      const found = defaultExport(node, `Next.js API route (${apiRouteOf(file.path)})`);
      if (found.length > 0) return found;
    }
    if (topLevel && hasUseServer(file.source.statements)) return exportedActions(node);
    if ((ts.isFunctionDeclaration(node) || isFunctionLike(node) || ts.isMethodDeclaration(node)) && node.body !== undefined && ts.isBlock(node.body) && hasUseServer(node.body.statements)) {
      const name = node.name !== undefined && ts.isIdentifier(node.name) ? node.name.text : 'inline';
      return [{ kind: 'function', node, reason: `Next.js server action ${name}`, key: `server action ${name}` }];
    }
    return [];
  },
};

/** "/api/reports/[reportId]" from "src/app/api/reports/[reportId]/route.ts". */
function routeOf(file: string): string {
  const match = /(?:^|\/)app(\/.*)?\/route\.[^/]+$/.exec(file);
  return (match?.[1] ?? '/').replace(/\/\([^/)]+\)/g, '') || '/';
}

function apiRouteOf(file: string): string {
  const match = /(?:^|\/)pages(\/api\/.+)\.[^/.]+$/.exec(file);
  return (match?.[1] ?? '/api').replace(/\/index$/, '');
}
