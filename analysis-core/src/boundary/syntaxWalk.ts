/**
 * Syntax tree walks without recursion. Trees nest as deep as their input
 * (`"a" + "a" + …` with 2,000 terms is 2,000 levels), so a recursive visitor
 * overflows the stack on files the TypeScript parser reads without trouble.
 */
import { ts } from './compiler';

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
  // Two parallel stacks and one callback for the whole walk: no object or array per node, since every file's tree is walked.
  const nodes: ts.Node[] = [root];
  const states: State[] = [initial];
  let childState = initial;
  // A callback returning a truthy value stops forEachChild: push's result must not leak.
  const push = (child: ts.Node): undefined => {
    nodes.push(child);
    states.push(childState);
    return undefined;
  };
  while (nodes.length > 0) {
    const node = nodes.pop()!;
    const next = visit(node, states.pop()!);
    if (next === SKIP_CHILDREN) continue;
    childState = next;
    const first = nodes.length;
    ts.forEachChild(node, push);
    // Pushed in source order; reversed so that the first child is visited first.
    for (let low = first, high = nodes.length - 1; low < high; low += 1, high -= 1) {
      const swap = nodes[low]!;
      nodes[low] = nodes[high]!;
      nodes[high] = swap;
    }
  }
}
