/**
 * AWS Lambda: an exported `handler` (function, arrow, or a wrapper such as
 * `middy(fn)`), `module.exports.handler` / `exports.handler`, and any
 * exported function typed with an aws-lambda `…Handler` type.
 */
import { ts } from '../compiler';
import { handlerOf, hasModifier } from './syntax';
import type { Detection, FileContext, FrameworkAdapter } from './types';

const REASON = 'AWS Lambda handler';

function isLambdaType(type: ts.TypeNode | undefined, file: FileContext): boolean {
  if (type === undefined || !ts.isTypeReferenceNode(type) || !ts.isIdentifier(type.typeName)) return false;
  return /Handler(V2)?$/.test(type.typeName.text) && file.importedFrom(type.typeName.text) === 'aws-lambda';
}

function isModuleExportsHandler(target: ts.Expression): boolean {
  if (!ts.isPropertyAccessExpression(target) || target.name.text !== 'handler') return false;
  const owner = target.expression;
  return (ts.isIdentifier(owner) && owner.text === 'exports') || (ts.isPropertyAccessExpression(owner) && owner.name.text === 'exports' && ts.isIdentifier(owner.expression) && owner.expression.text === 'module');
}

export const lambdaAdapter: FrameworkAdapter = {
  id: 'lambda',
  appliesTo: (file) => file.source.text.includes('handler') || file.source.text.includes('Handler'),
  detect(node, file) {
    if (node.parent === undefined || !ts.isSourceFile(node.parent)) return [];
    if (ts.isFunctionDeclaration(node) && node.name?.text === 'handler' && node.body !== undefined && hasModifier(node, ts.SyntaxKind.ExportKeyword)) {
      return [{ kind: 'function', node, reason: REASON }];
    }
    if (ts.isVariableStatement(node) && hasModifier(node, ts.SyntaxKind.ExportKeyword)) {
      const detections: Detection[] = [];
      for (const declaration of node.declarationList.declarations) {
        if (!ts.isIdentifier(declaration.name) || declaration.initializer === undefined) continue;
        if (declaration.name.text !== 'handler' && !isLambdaType(declaration.type, file)) continue;
        const found = handlerOf(declaration.initializer, REASON, declaration.name.text);
        if (found !== undefined) detections.push(found);
      }
      return detections;
    }
    if (ts.isExpressionStatement(node) && ts.isBinaryExpression(node.expression) && node.expression.operatorToken.kind === ts.SyntaxKind.EqualsToken && isModuleExportsHandler(node.expression.left)) {
      const found = handlerOf(node.expression.right, REASON, 'handler');
      return found === undefined ? [] : [found];
    }
    return [];
  },
};
