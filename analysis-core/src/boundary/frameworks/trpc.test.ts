import { runAdapterTests } from './testing';
import { trpcAdapter } from './trpc';

runAdapterTests(trpcAdapter, {
  valid: [
    { name: 'a database query is not a procedure', code: "const procedureName = 'x';\ndb.query('select 1');\n" },
    { name: 'a procedure without a resolver', code: 'const p = publicProcedure.input(schema);\n' },
  ],
  invalid: [
    {
      name: 'queries and mutations in a router, through input and middleware chains',
      code: 'export const ordersRouter = router({\n  list: publicProcedure.query(() => []),\n  cancel: protectedProcedure.input(z.object({ id: z.string() })).use(audit).mutation(async ({ input }) => input.id),\n  byId: t.procedure.input(idSchema).query(getById),\n});\n',
      reasons: ['tRPC query procedure list', 'tRPC mutation procedure cancel', 'tRPC query procedure byId'],
    },
    { name: 'a procedure held in a variable', code: "export const onChange = authedProcedure.subscription(() => observable(() => {}));\n", reasons: ['tRPC subscription procedure onChange'] },
  ],
});
