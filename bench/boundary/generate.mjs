// Generates a TypeScript service of `files` files in the three planes for the
// boundary benchmark: handlers -> services -> storage (data), auth and
// gateway routes (control), analyses (intelligence), and chains of shared
// helpers with no plane. Planted violations: every 20th handler calls an
// analysis behind a flag, every 10th helper chain ends in an analysis import,
// every 30th auth module gates on a license tier.
//   node bench/boundary/generate.mjs [DIR] [--files N]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PLATFORM = '^src/(handlers|services|storage|auth|gateway)/';

export function generate(dir, total = 2000) {
  const scale = total / 2000;
  const count = {
    handlers: Math.round(400 * scale),
    services: Math.round(400 * scale),
    storage: Math.round(200 * scale),
    auth: Math.round(150 * scale),
    gateway: Math.round(50 * scale),
    analysis: Math.round(200 * scale),
  };
  count.shared = total - 1 - Object.values(count).reduce((sum, n) => sum + n, 0);
  fs.rmSync(dir, { recursive: true, force: true });
  const write = (file, text) => {
    const full = path.join(dir, file);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, text);
  };

  write('src/types.ts', `export interface Request { params: Record<string, string>; headers: Record<string, string | undefined> }
export interface Response { json(body: unknown): void; status(code: number): Response }
export interface Order { id: string; total: number; items: string[] }
export interface Tenant { id: string; tier: string }
`);
  const shared = (j) => `u${j}`;
  for (let j = 0; j < count.shared; j++) {
    const endOfChain = j % 5 === 4 || j === count.shared - 1;
    const chainIndex = Math.floor(j / 5);
    const next = endOfChain ? '' : `import { format as next } from './${shared(j + 1)}';\n`;
    const toAnalysis = endOfChain && chainIndex % 10 === 3 ? `import { generateReport as report } from '../analysis/an${chainIndex % count.analysis}';\n` : '';
    const body = endOfChain ? (toAnalysis ? 'report([value]);\n  return String(value).trim();' : 'return String(value).trim();') : 'return next(value).padStart(2);';
    write(`src/shared/${shared(j)}.ts`, `${next}${toAnalysis}
export function format(value: unknown): string {
  ${body}
}

export function helper${j}(values: readonly number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / Math.max(values.length, 1);
}
`);
  }
  for (let k = 0; k < count.analysis; k++) {
    write(`src/analysis/an${k}.ts`, `import { readFileSync } from 'node:fs';
import type { Order } from '../types';
import { helper${(k * 7) % count.shared} as mean } from '../shared/${shared((k * 7) % count.shared)}';

export interface Report { orders: number; meanTotal: number }

export function generateReport(orders: readonly Order[]): Report {
  return { orders: orders.length, meanTotal: mean(orders.map((order) => order.total)) };
}

export function reportFromTrace(file: string): Report {
  const orders = readFileSync(file, 'utf8').split('\\n').filter(Boolean).map((line) => JSON.parse(line) as Order);
  return generateReport(orders);
}
`);
  }
  for (let r = 0; r < count.storage; r++) {
    write(`src/storage/r${r}.ts`, `import type { Order } from '../types';
import { format } from '../shared/${shared((r * 5 + 1) % count.shared)}';

const rows = new Map<string, Order>();

export async function load(id: string): Promise<Order | undefined> {
  return rows.get(format(id));
}

export async function save(order: Order): Promise<Order> {
  rows.set(order.id, order);
  return order;
}
`);
  }
  for (let s = 0; s < count.services; s++) {
    write(`src/services/s${s}.ts`, `import type { Order } from '../types';
import { load, save } from '../storage/r${s % count.storage}';
import { format } from '../shared/${shared((s * 5 + 2) % count.shared)}';

export async function getOrder(id: string): Promise<Order> {
  const order = await load(id);
  if (order === undefined) throw new Error(\`order \${format(id)} not found\`);
  return order;
}

export async function placeOrder(order: Order): Promise<Order> {
  return save({ ...order, total: Math.round(order.total * 100) / 100 });
}
`);
  }
  for (let h = 0; h < count.handlers; h++) {
    const violation = h % 20 === 7;
    const analysisImport = violation ? `import { generateReport } from '../analysis/an${h % count.analysis}';\n` : '';
    const analysisCall = violation ? `\n  if (config.enableAnalysis) {\n    generateReport([order]);\n  }` : '';
    write(`src/handlers/h${h}.ts`, `import type { Request, Response } from '../types';
import { getOrder, placeOrder } from '../services/s${h % count.services}';
import { format } from '../shared/${shared((h * 5) % count.shared)}';
${analysisImport}
export interface HandlerConfig { enableAnalysis: boolean }

export async function getHandler(req: Request, res: Response, config: HandlerConfig): Promise<void> {
  const order = await getOrder(req.params.id ?? '');${analysisCall}
  res.json({ id: format(order.id), total: order.total });
}

export async function postHandler(req: Request, res: Response): Promise<void> {
  const order = await placeOrder({ id: req.params.id ?? '', total: 0, items: [] });
  res.status(201).json(order);
}
`);
  }
  for (let a = 0; a < count.auth; a++) {
    const gate = a % 30 === 11 ? `\n  if (tenant.tier === 'enterprise') return true;` : '';
    write(`src/auth/a${a}.ts`, `import type { Request, Tenant } from '../types';
import { load } from '../storage/r${a % count.storage}';

export async function authorize(req: Request, tenant: Tenant): Promise<boolean> {${gate}
  const token = req.headers.authorization ?? '';
  return token.startsWith('Bearer ') && (await load(tenant.id)) !== undefined;
}
`);
  }
  const perRouter = Math.ceil(count.handlers / count.gateway);
  for (let g = 0; g < count.gateway; g++) {
    const handlers = [];
    for (let h = g * perRouter; h < Math.min((g + 1) * perRouter, count.handlers); h++) handlers.push(h);
    write(`src/gateway/g${g}.ts`, `import type { Request, Response } from '../types';
import { authorize } from '../auth/a${g % count.auth}';
${handlers.map((h) => `import * as h${h} from '../handlers/h${h}';`).join('\n')}

type Route = (req: Request, res: Response) => Promise<void>;
interface Router { get(path: string, route: Route): void; post(path: string, route: Route): void }

export function register(router: Router): void {
${handlers
  .map(
    (h) => `  router.get('/orders/${h}/:id', async (req, res) => {
    if (await authorize(req, { id: 't${h}', tier: 'free' })) await h${h}.getHandler(req, res, { enableAnalysis: false });
  });
  router.post('/orders/${h}', h${h}.postHandler);`,
  )
  .join('\n')}
}
`);
  }

  write('package.json', `${JSON.stringify({ name: 'boundary-bench-service', private: true, type: 'module' }, null, 2)}\n`);
  write('tsconfig.json', `${JSON.stringify({ compilerOptions: { target: 'es2022', module: 'esnext', moduleResolution: 'bundler', strict: true, noEmit: true, types: [] }, include: ['src'] }, null, 2)}\n`);
  write('planewise.config.json', `${JSON.stringify({ include: ['src/**/*.ts'], planes: { data: ['src/handlers/**', 'src/services/**', 'src/storage/**'], control: ['src/auth/**', 'src/gateway/**'], intelligence: ['src/analysis/**'] } }, null, 2)}\n`);
  // The same forbidden dependencies for dependency-cruiser: direct, and through any chain of modules.
  write('.dependency-cruiser.cjs', `module.exports = {
  forbidden: [
    { name: 'no-product-import-in-platform', severity: 'error', from: { path: '${PLATFORM}' }, to: { path: '^src/analysis/' } },
    { name: 'no-product-chain-in-platform', severity: 'error', from: { path: '${PLATFORM}' }, to: { path: '^src/analysis/', reachable: true } },
  ],
  options: { doNotFollow: { path: 'node_modules' }, tsPreCompilationDeps: true, tsConfig: { fileName: 'tsconfig.json' } },
};
`);
  // And for ESLint with eslint-plugin-boundaries: the same layers, platform may not import intelligence.
  write('eslint.config.mjs', `import boundaries from 'eslint-plugin-boundaries';
import tseslint from 'typescript-eslint';

export default [
  {
    files: ['src/**/*.ts'],
    languageOptions: { parser: tseslint.parser },
    plugins: { boundaries },
    settings: {
      'import/resolver': { node: { extensions: ['.ts'] } },
      'boundaries/elements': [
        { type: 'data', pattern: 'src/(handlers|services|storage)/*', mode: 'full' },
        { type: 'control', pattern: 'src/(auth|gateway)/*', mode: 'full' },
        { type: 'intelligence', pattern: 'src/analysis/*', mode: 'full' },
        { type: 'shared', pattern: 'src/*', mode: 'full' },
      ],
    },
    rules: {
      'boundaries/dependencies': [2, {
        default: 'allow',
        policies: [{ from: { element: { types: { anyOf: ['data', 'control'] } } }, disallow: { to: { element: { type: 'intelligence' } } } }],
      }],
    },
  },
];
`);
  return count;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const filesAt = args.indexOf('--files');
  const files = filesAt === -1 ? 2000 : Number(args[filesAt + 1]);
  const dir = path.resolve(args.find((arg, index) => !arg.startsWith('--') && args[index - 1] !== '--files') ?? 'bench/.data/boundary-project');
  console.log(generate(dir, files));
}
