import { nestjsAdapter } from './nestjs';
import { runAdapterTests } from './testing';

runAdapterTests(nestjsAdapter, {
  valid: [
    { name: 'an undecorated controller method', code: "@Controller('orders')\nexport class OrdersController {\n  helper() {}\n}\n" },
    { name: 'a route decorator outside a controller', code: 'export class Jobs {\n  @Get()\n  run() {}\n}\n' },
    { name: 'a service', code: '@Injectable()\nexport class ReportService {\n  build() {}\n}\n' },
  ],
  invalid: [
    {
      name: 'controller routes',
      code: "@Controller('orders')\nexport class OrdersController {\n  @Get(':id')\n  find() {}\n  @Post()\n  @HttpCode(201)\n  create() {}\n}\n",
      reasons: ['NestJS @Get handler', 'NestJS @Post handler'],
    },
    {
      name: 'GraphQL resolver operations',
      code: '@Resolver(() => Order)\nexport class OrdersResolver {\n  @Query(() => [Order])\n  orders() {}\n  @Mutation(() => Order)\n  cancel() {}\n  @ResolveField()\n  items() {}\n}\n',
      reasons: ['NestJS @Query resolver', 'NestJS @Mutation resolver', 'NestJS @ResolveField resolver'],
    },
  ],
});
