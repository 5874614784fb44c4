/**
 * tRPC: `publicProcedure.input(schema).query(async ({ ctx, input }) => …)`:
 * any chain rooted at a `*Procedure` (or `t.procedure`) that ends in
 * query, mutation or subscription. The procedure's name is its key in the
 * router or the variable that holds it.
 */
import { ts } from '../compiler';
import { handlerOf } from './syntax';
import type { FrameworkAdapter } from './types';

const OPERATIONS = new Set(['query', 'mutation', 'subscription']);

function isProcedureChain(expression: ts.Expression): boolean {
  let current = expression;
  for (;;) {
    if (ts.isCallExpression(current)) current = current.expression;
    else if (ts.isPropertyAccessExpression(current)) {
      if (/procedure$/i.test(current.name.text)) return true;
      current = current.expression;
    } else return ts.isIdentifier(current) && /procedure$/i.test(current.text);
  }
}

export const trpcAdapter: FrameworkAdapter = {
  id: 'trpc',
  appliesTo: (file) => /procedure/i.test(file.source.text),
  detect(node) {
    if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression) || !OPERATIONS.has(node.expression.name.text)) return [];
    if (!isProcedureChain(node.expression.expression) || node.arguments[0] === undefined) return [];
    const holder = node.parent;
    const named = (ts.isPropertyAssignment(holder) || ts.isVariableDeclaration(holder)) && (ts.isIdentifier(holder.name) || ts.isStringLiteral(holder.name)) ? holder.name.text : undefined;
    const name = named ?? node.expression.name.text;
    const found = handlerOf(node.arguments[0], `tRPC ${node.expression.name.text} procedure ${name}`, `procedure ${name}`);
    return found === undefined ? [] : [found];
  },
};
