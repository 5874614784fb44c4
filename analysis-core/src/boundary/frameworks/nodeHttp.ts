/** Node's own servers: `http.createServer(listener)` and `server.on('request', listener)`. */
import { ts } from '../compiler';
import { handlerOf, stringValue } from './syntax';
import type { Detection, FileContext, FrameworkAdapter } from './types';

const HTTP_MODULES = ['http', 'https', 'http2', 'node:http', 'node:https', 'node:http2'];
const REASON = 'request listener of http.createServer';

function fromHttp(file: FileContext, local: string): boolean {
  const specifier = file.importedFrom(local);
  return specifier !== undefined && HTTP_MODULES.includes(specifier);
}

export const nodeHttpAdapter: FrameworkAdapter = {
  id: 'node-http',
  appliesTo: (file) => HTTP_MODULES.some((name) => file.imports(name)),
  detect(node, file) {
    if (!ts.isCallExpression(node)) return [];
    const callee = node.expression;
    const createServer =
      (ts.isPropertyAccessExpression(callee) && /^create(Secure)?Server$/.test(callee.name.text) && ts.isIdentifier(callee.expression) && fromHttp(file, callee.expression.text)) ||
      (ts.isIdentifier(callee) && /^create(Secure)?Server$/.test(callee.text) && fromHttp(file, callee.text));
    const onRequest = ts.isPropertyAccessExpression(callee) && callee.name.text === 'on' && stringValue(node.arguments[0]) === 'request';
    if (!createServer && !onRequest) return [];
    const detections: Detection[] = [];
    for (const argument of createServer ? node.arguments : node.arguments.slice(1)) {
      const found = ts.isObjectLiteralExpression(argument) ? undefined : handlerOf(argument, REASON, 'http.createServer');
      if (found !== undefined) detections.push(found);
    }
    return detections;
  },
};
