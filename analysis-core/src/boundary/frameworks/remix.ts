/**
 * Remix and React Router (framework mode): `loader` and `action` exports of
 * route modules run on the server for each request.
 */
import { exportedHandlers } from './syntax';
import type { FileContext, FrameworkAdapter } from './types';

const ROUTE_EXPORTS = new Set(['loader', 'action']);
const ROUTE_MODULE = /(^|\/)(app\/)?routes\/.+\.[cm]?[jt]sx?$|(^|\/)(app\/)?root\.[jt]sx?$/;

function isRouteModule(file: FileContext): boolean {
  return ROUTE_MODULE.test(file.path) || file.imports('@remix-run/node') || file.imports('@remix-run/cloudflare') || file.imports('@remix-run/server-runtime') || file.imports('react-router');
}

export const remixAdapter: FrameworkAdapter = {
  id: 'remix',
  appliesTo: (file) => (file.source.text.includes('loader') || file.source.text.includes('action')) && isRouteModule(file),
  detect: (node) => exportedHandlers(node, ROUTE_EXPORTS, (name) => `Remix ${name}`),
};
