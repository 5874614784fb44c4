import { remixAdapter } from './remix';
import { runAdapterTests } from './testing';

runAdapterTests(remixAdapter, {
  valid: [
    { name: 'a loader outside a route module', path: 'src/lib/loader.ts', code: 'export async function loader() {}\n' },
    { name: 'the default export (a component) of a route module', path: 'app/routes/orders.tsx', code: 'export default function Orders() { return null; }\nexport const meta = () => [];\n' },
  ],
  invalid: [
    {
      name: 'loader and action of a route module',
      path: 'app/routes/orders.$id.tsx',
      code: 'export async function loader({ params }) {}\nexport const action = async ({ request }) => {};\n',
      reasons: ['Remix loader', 'Remix action'],
    },
    { name: 'a route module found by its import, anywhere', path: 'src/features/orders.tsx', code: "import { json } from '@remix-run/node';\nexport const loader = () => json([]);\n", reasons: ['Remix loader'] },
  ],
});
