import { graphqlAdapter } from './graphql';
import { runAdapterTests } from './testing';

runAdapterTests(graphqlAdapter, {
  valid: [
    { name: 'an object with a Query key that is not a resolver map', code: "const labels = { Query: { title: 'Search' } };\n" },
    { name: 'a resolver-looking map in an unrelated call', code: 'register({ Query: { orders: () => [] } });\n' },
  ],
  invalid: [
    {
      name: 'a resolvers variable with functions, methods and references',
      code: 'export const resolvers = {\n  Query: { orders: (_, args) => [], order(_, { id }) {} },\n  Mutation: { cancelOrder },\n  Subscription: { orderChanged: { subscribe: () => pubsub.asyncIterator("x") } },\n};\n',
      reasons: ['GraphQL Query.orders resolver', 'GraphQL Query.order resolver', 'GraphQL Mutation.cancelOrder resolver', 'GraphQL Subscription.orderChanged.subscribe resolver'],
    },
    {
      name: 'maps given to a server or schema',
      code: 'new ApolloServer({ typeDefs, resolvers: { Query: { me: () => null } } });\nmakeExecutableSchema({ typeDefs, resolvers: [{ Mutation: { login: doLogin } }] });\n',
      reasons: ['GraphQL Query.me resolver', 'GraphQL Mutation.login resolver'],
    },
  ],
});
