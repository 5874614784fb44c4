/**
 * GraphQL resolver maps: `{ Query: { orders: (parent, args) => … }, Mutation: {…} }`
 * passed to ApolloServer, makeExecutableSchema, createYoga or createSchema,
 * or held in a `resolvers` variable or property.
 */
import { ts } from '../compiler';
import { handlerOf } from './syntax';
import type { Detection, FrameworkAdapter } from './types';

const OPERATION_TYPES = new Set(['Query', 'Mutation', 'Subscription']);
const SERVER_CALLS = /^(ApolloServer|makeExecutableSchema|createYoga|createSchema|buildSubgraphSchema|graphqlHTTP|createHandler)$/;

function nameOf(node: ts.PropertyName | undefined): string | undefined {
  return node !== undefined && (ts.isIdentifier(node) || ts.isStringLiteral(node)) ? node.text : undefined;
}

function calleeName(expression: ts.Expression): string {
  if (ts.isIdentifier(expression)) return expression.text;
  if (ts.isPropertyAccessExpression(expression)) return expression.name.text;
  return '';
}

/** Whether the object literal is a resolver map by where it is written. */
function isResolverMap(map: ts.ObjectLiteralExpression): boolean {
  let holder: ts.Node = map.parent;
  while (ts.isAsExpression(holder) || ts.isSatisfiesExpression(holder) || ts.isParenthesizedExpression(holder)) holder = holder.parent;
  if (ts.isVariableDeclaration(holder)) return ts.isIdentifier(holder.name) && /resolvers$/i.test(holder.name.text);
  if (ts.isPropertyAssignment(holder)) {
    if (nameOf(holder.name) === 'resolvers') return true;
    // new ApolloServer({ typeDefs, resolvers: … }) has the map one level down; a top-level argument is the map itself.
    return false;
  }
  if ((ts.isCallExpression(holder) || ts.isNewExpression(holder)) && holder.arguments?.includes(map as ts.Expression) === true) return SERVER_CALLS.test(calleeName(holder.expression));
  if (ts.isArrayLiteralExpression(holder)) return ts.isPropertyAssignment(holder.parent) && nameOf(holder.parent.name) === 'resolvers';
  return false;
}

function fieldDetections(fields: ts.ObjectLiteralExpression, type: string): Detection[] {
  const detections: Detection[] = [];
  for (const field of fields.properties) {
    const name = nameOf(field.name);
    if (name === undefined) continue;
    const reason = `GraphQL ${type}.${name} resolver`;
    const key = `${type}.${name}`;
    if (ts.isMethodDeclaration(field) && field.body !== undefined) detections.push({ kind: 'function', node: field, reason, key });
    else if (ts.isShorthandPropertyAssignment(field)) detections.push({ kind: 'reference', expression: field.name, reason });
    else if (ts.isPropertyAssignment(field)) {
      // Subscriptions: { subscribe: fn, resolve: fn }
      if (ts.isObjectLiteralExpression(field.initializer)) detections.push(...fieldDetections(field.initializer, key).filter((found) => /\.(subscribe|resolve) resolver$/.test(found.reason)));
      else {
        const found = handlerOf(field.initializer, reason, key);
        if (found !== undefined) detections.push(found);
      }
    }
  }
  return detections;
}

export const graphqlAdapter: FrameworkAdapter = {
  id: 'graphql',
  appliesTo: (file) => file.source.text.includes('Query') || file.source.text.includes('Mutation'),
  detect(node) {
    if (!ts.isObjectLiteralExpression(node) || !isResolverMap(node)) return [];
    const detections: Detection[] = [];
    for (const property of node.properties) {
      const type = nameOf(property.name);
      if (type === undefined || !OPERATION_TYPES.has(type) || !ts.isPropertyAssignment(property) || !ts.isObjectLiteralExpression(property.initializer)) continue;
      detections.push(...fieldDetections(property.initializer, type));
    }
    return detections;
  },
};
