/**
 * Syntax tree walks without recursion. Trees nest as deep as their input
 * (`"a" + "a" + …` with 2,000 terms is 2,000 levels), so a recursive visitor
 * overflows the stack on files the TypeScript parser reads without trouble.
 */
import { ts } from './compiler';

function childrenOf(node: ts.Node): ts.Node[] {
  const children: ts.Node[] = [];
  // A callback returning a truthy value stops forEachChild: push's result must not leak.
  ts.forEachChild(node, (child) => {
    children.push(child);
  });
  return children;
}

/** Visits `root` and every node under it in source order; `visit` returns false to skip a node's children. */
export function walkSyntax(root: ts.Node, visit: (node: ts.Node) => boolean | void): void {
  walkSyntaxWith(root, undefined, (node) => (visit(node) === false ? SKIP_CHILDREN : undefined));
}

export const SKIP_CHILDREN: unique symbol = Symbol('skip children');

/**
 * Visits in source order, handing each node the state its parent's visit
 * returned (the enclosing function, class…); returning SKIP_CHILDREN skips the children.
 */
export function walkSyntaxWith<State>(root: ts.Node, initial: State, visit: (node: ts.Node, state: State) => State | typeof SKIP_CHILDREN): void {
  const stack: { node: ts.Node; state: State }[] = [{ node: root, state: initial }];
  while (stack.length > 0) {
    const { node, state } = stack.pop()!;
    const next = visit(node, state);
    if (next === SKIP_CHILDREN) continue;
    const children = childrenOf(node);
    for (let index = children.length - 1; index >= 0; index -= 1) stack.push({ node: children[index]!, state: next });
  }
}
