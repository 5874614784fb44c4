import { nextjsAdapter } from './nextjs';
import { runAdapterTests } from './testing';

runAdapterTests(nextjsAdapter, {
  valid: [
    { name: 'GET exported outside a route file', path: 'src/lib/http.ts', code: 'export async function GET() {}\n' },
    { name: 'a non-method export of a route file', path: 'src/app/api/orders/route.ts', code: "export const dynamic = 'force-dynamic';\nexport function helper() {}\n" },
    { name: 'a page component', path: 'src/app/orders/page.tsx', code: 'export default function Page() { return null; }\n' },
    { name: "a 'use server' string that is not a directive", path: 'src/lib/a.ts', code: "const note = 1;\n'use server';\nexport async function save() {}\n" },
  ],
  invalid: [
    {
      name: 'route handlers, including wrapped ones and a URL segment named reports',
      path: 'src/app/api/reports/[reportId]/route.ts',
      code: "export async function GET(request: Request) {}\nexport const POST = withAuth(async (req) => {});\nexport const DELETE = handleDelete;\n",
      reasons: ['Next.js route handler (GET /api/reports/[reportId])', 'Next.js route handler (POST /api/reports/[reportId])', 'Next.js route handler (DELETE /api/reports/[reportId])'],
    },
    { name: 'route groups do not appear in the URL', path: 'app/(admin)/users/route.js', code: 'export { handler as PATCH };\nfunction handler() {}\n', reasons: ['Next.js route handler (PATCH /users)'] },
    { name: 'a pages/api default export', path: 'pages/api/orders/index.ts', code: 'export default async function handler(req, res) {}\n', reasons: ['Next.js API route (/api/orders)'] },
    { name: 'a wrapped pages/api default export', path: 'src/pages/api/stats.ts', code: 'export default withSession(async (req, res) => {});\n', reasons: ['Next.js API route (/api/stats)'] },
    {
      name: "a 'use server' module's exported functions",
      path: 'src/actions/orders.ts',
      code: "'use server';\nexport async function cancelOrder(id: string) {}\nexport const refund = async (id: string) => {};\nfunction internal() {}\n",
      reasons: ['Next.js server action cancelOrder', 'Next.js server action refund'],
    },
    { name: 'an inline server action', path: 'src/app/orders/page.tsx', code: "export default function Page() {\n  async function save() {\n    'use server';\n  }\n  return save;\n}\n", reasons: ['Next.js server action save'] },
  ],
});
