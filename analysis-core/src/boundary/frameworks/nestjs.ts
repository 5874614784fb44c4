/**
 * NestJS: methods of `@Controller` classes with a route decorator, and of
 * `@Resolver` classes with a GraphQL operation decorator. Services they
 * inject are resolved by the facts (constructor parameter types), not here.
 */
import { ts } from '../compiler';
import { decoratorNames } from './syntax';
import type { FrameworkAdapter } from './types';

const CONTROLLER_DECORATORS = new Set(['Get', 'Post', 'Put', 'Patch', 'Delete', 'All', 'Options', 'Head', 'Sse', 'MessagePattern', 'EventPattern']);
const RESOLVER_DECORATORS = new Set(['Query', 'Mutation', 'Subscription', 'ResolveField', 'ResolveProperty']);

export const nestjsAdapter: FrameworkAdapter = {
  id: 'nestjs',
  // Decorators are matched by name: a project may re-export them from its own module.
  appliesTo: (file) => file.source.text.includes('@Controller') || file.source.text.includes('@Resolver'),
  detect(node) {
    if (!ts.isMethodDeclaration(node) || node.body === undefined || !ts.isClassLike(node.parent)) return [];
    const classDecorators = decoratorNames(node.parent);
    const methodDecorators = decoratorNames(node);
    if (classDecorators.includes('Controller')) {
      const route = methodDecorators.find((name) => CONTROLLER_DECORATORS.has(name));
      if (route !== undefined) return [{ kind: 'function', node, reason: `NestJS @${route} handler` }];
    }
    if (classDecorators.includes('Resolver')) {
      const operation = methodDecorators.find((name) => RESOLVER_DECORATORS.has(name));
      if (operation !== undefined) return [{ kind: 'function', node, reason: `NestJS @${operation} resolver` }];
    }
    return [];
  },
};
