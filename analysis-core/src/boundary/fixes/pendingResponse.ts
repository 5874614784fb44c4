/**
 * What a request handler answers while the post-execution step has not
 * written a result yet: 202 Accepted, saying where the result will appear.
 * One shape per framework, chosen by the reason its adapter gave for the
 * handler ("Hono route handler (GET /x)"); a handler whose framework has no
 * shape here cannot serve a last result.
 */
import { ts } from '../compiler';
import { walkSyntax } from '../syntaxWalk';

export interface PendingResponse {
  /** The statement(s) that answer 202 and leave the handler, given the expression naming the artifact. */
  statement(where: string): string;
}

type Shape = (handler: ts.FunctionLikeDeclaration) => PendingResponse | undefined;

function parameterName(handler: ts.FunctionLikeDeclaration, index: number): string | undefined {
  const parameter = handler.parameters[index];
  return parameter !== undefined && ts.isIdentifier(parameter.name) ? parameter.name.text : undefined;
}

const SHAPES: readonly [RegExp, Shape][] = [
  [
    /^Hono route handler\b/,
    (handler) => {
      const context = parameterName(handler, 0);
      return context === undefined ? undefined : { statement: (where) => `return ${context}.json({ pending: ${where} }, 202);` };
    },
  ],
  [
    /^Express route handler\b/,
    (handler) => {
      const response = parameterName(handler, 1);
      return response === undefined ? undefined : { statement: (where) => `{\n  ${response}.status(202).json({ pending: ${where} });\n  return;\n}` };
    },
  ],
  [
    /^Fastify route handler\b/,
    (handler) => {
      const reply = parameterName(handler, 1);
      return reply === undefined ? undefined : { statement: (where) => `return ${reply}.code(202).send({ pending: ${where} });` };
    },
  ],
  [/^AWS Lambda handler$/, (handler) => (answersHttp(handler) ? { statement: (where) => `return { statusCode: 202, body: JSON.stringify({ pending: ${where} }) };` } : undefined)],
];

/**
 * A Lambda handler answers HTTP when it already returns `{ statusCode }` and no
 * type says otherwise (an SQS or S3 handler's result is not a response).
 */
function answersHttp(handler: ts.FunctionLikeDeclaration): boolean {
  const declared = [handler.type, ts.isVariableDeclaration(handler.parent) ? handler.parent.type : undefined].filter((type) => type !== undefined);
  if (declared.some((type) => !/APIGateway|Response|Result/.test(type.getText()))) return false;
  let returnsStatus = false;
  const visit = (node: ts.Node): boolean | void => {
    if (returnsStatus || (node !== handler && ts.isFunctionLike(node))) return false;
    if (ts.isReturnStatement(node) && node.expression !== undefined && ts.isObjectLiteralExpression(node.expression)) {
      returnsStatus = node.expression.properties.some((property) => property.name !== undefined && property.name.getText() === 'statusCode');
    }
  };
  walkSyntax(handler, visit);
  return returnsStatus;
}

/** The 202 answer for a handler, or undefined when its framework's answer cannot be written here. */
export function pendingResponse(entryReason: string | undefined, handler: ts.FunctionLikeDeclaration): PendingResponse | undefined {
  if (entryReason === undefined) return undefined;
  for (const [reason, shape] of SHAPES) if (reason.test(entryReason)) return shape(handler);
  return undefined;
}
