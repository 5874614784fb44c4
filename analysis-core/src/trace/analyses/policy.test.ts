import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { matchesAction, matchesResource, unescapeLiteral, hasWildcard } from '../patterns';
import type { AuthzEvent, TraceEvent } from '../schema';
import { authzArbitrary, shards } from '../testing';
import { PolicyAccumulator, type PolicySet, PrincipalLimitError, parentPrefix, principalPolicies } from './policy';

function accumulate(events: TraceEvent[]): PolicyAccumulator {
  const accumulator = new PolicyAccumulator();
  for (const event of events) accumulator.add(event);
  return accumulator;
}

function permits(policies: PolicySet, principal: string, action: string, resource: string): boolean {
  const entry = policies.principals.find((p) => p.principal === principal);
  return entry !== undefined && entry.policy.Statement.some((s) => s.Action.some((a) => matchesAction(a, action)) && s.Resource.some((r) => matchesResource(r, resource)));
}

const allow = (principal: string, action: string, resource: string): AuthzEvent => ({ kind: 'authz', ts: 0, service: 's', principal, action, resource, decision: 'allow' });
const deny = (principal: string, action: string, resource: string, denyReason: 'explicit' | 'implicit'): AuthzEvent => ({ kind: 'authz', ts: 0, service: 's', principal, action, resource, decision: 'deny', denyReason });

test('one document per principal; actions with the same resources share a statement', () => {
  const policies = accumulate([
    allow('app', 'storage:GetObject', 'bucket/a'),
    allow('app', 'storage:PutObject', 'bucket/a'),
    allow('app', 'queue:Send', 'queue/jobs'),
    allow('ops', 'db:Query', 'table/users'),
    deny('app', 'storage:DeleteObject', 'bucket/a', 'explicit'),
    deny('app', 'db:Query', 'table/users', 'implicit'),
  ]).result();
  assert.deepEqual(policies.principals.map((p) => p.principal), ['app', 'ops']);
  assert.deepEqual(policies.principals[0]!.policy, {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'Allow1', Effect: 'Allow', Action: ['queue:Send'], Resource: ['queue/jobs'] },
      { Sid: 'Allow2', Effect: 'Allow', Action: ['storage:GetObject', 'storage:PutObject'], Resource: ['bucket/a'] },
    ],
  });
  assert.deepEqual(policies.principals[0]!.denied.explicit, [{ action: 'storage:DeleteObject', resource: 'bucket/a', count: 1, alsoAllowed: false }]);
  assert.deepEqual(policies.principals[0]!.denied.implicit, [{ action: 'db:Query', resource: 'table/users', count: 1, alsoAllowed: false }]);
});

test('generalization: more than N siblings become prefix/*, unless a denied sibling would be covered; covered names fold away', () => {
  const events = ['a', 'b', 'c', 'logs/w', 'logs/x', 'logs/y', 'logs/z'].map((leaf) => allow('app', 'storage:GetObject', `bucket/${leaf}`));
  const generalized = accumulate(events).result({ wildcardThreshold: 2 });
  // bucket/ has 3 direct children (> 2) -> bucket/*, which also covers bucket/logs/*.
  assert.deepEqual(generalized.principals[0]!.policy.Statement[0]!.Resource, ['bucket/*']);
  assert.deepEqual(accumulate(events).result({ wildcardThreshold: 3 }).principals[0]!.policy.Statement[0]!.Resource, ['bucket/a', 'bucket/b', 'bucket/c', 'bucket/logs/*']);
  const withDeny = accumulate([...events, deny('app', 'storage:GetObject', 'bucket/secret', 'explicit')]).result({ wildcardThreshold: 2 });
  assert.deepEqual(withDeny.principals[0]!.policy.Statement[0]!.Resource, ['bucket/a', 'bucket/b', 'bucket/c', 'bucket/logs/*']);
  assert.equal(accumulate(events).result().principals[0]!.policy.Statement[0]!.Resource.length, 7);
});

test('wildcard characters in observed names are escaped, never widened', () => {
  const policies = accumulate([allow('app', 'storage:GetObject', 'bucket/*')]).result();
  assert.deepEqual(policies.principals[0]!.policy.Statement[0]!.Resource, ['bucket/${*}']);
  assert.ok(permits(policies, 'app', 'storage:GetObject', 'bucket/*'));
  assert.ok(!permits(policies, 'app', 'storage:GetObject', 'bucket/other'));
});

test('--principal keeps only the named principals', () => {
  const policies = accumulate([allow('a', 'x:Y', 'r'), allow('b', 'x:Y', 'r')]).result({ principals: ['b'] });
  assert.deepEqual(policies.principals.map((p) => p.principal), ['b']);
});

const thresholdArbitrary = fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined });

test('soundness: every allowed decision is permitted by the generated policy', () => {
  fc.assert(
    fc.property(fc.array(authzArbitrary, { maxLength: 80 }), thresholdArbitrary, (events, wildcardThreshold) => {
      const policies = accumulate(events).result(wildcardThreshold === undefined ? {} : { wildcardThreshold });
      for (const event of events) if (event.decision === 'allow') assert.ok(permits(policies, event.principal, event.action, event.resource), JSON.stringify(event));
    }),
    { numRuns: 200 },
  );
});

test('completeness: nothing is granted beyond what was observed or the documented generalization', () => {
  fc.assert(
    fc.property(fc.array(authzArbitrary, { maxLength: 80 }), thresholdArbitrary, (events, wildcardThreshold) => {
      const policies = accumulate(events).result(wildcardThreshold === undefined ? {} : { wildcardThreshold });
      for (const entry of policies.principals) {
        const mine = events.filter((e) => e.principal === entry.principal);
        for (const statement of entry.policy.Statement) {
          for (const action of statement.Action) {
            assert.ok(!hasWildcard(action), 'actions are never generalized');
            const allowed = new Set(mine.filter((e) => e.action === action && e.decision === 'allow').map((e) => e.resource));
            const deniedOnly = mine.filter((e) => e.action === action && e.decision === 'deny' && !allowed.has(e.resource)).map((e) => e.resource);
            for (const resource of statement.Resource) {
              if (!hasWildcard(resource)) {
                assert.ok(allowed.has(unescapeLiteral(resource)), `${action} ${resource} was never allowed`);
                continue;
              }
              // The only wildcard form is <escaped prefix>*: more than N allowed siblings, no denied resource under it.
              assert.ok(wildcardThreshold !== undefined && resource.endsWith('*'));
              const prefix = unescapeLiteral(resource.slice(0, -1));
              const siblings = [...allowed].filter((r) => parentPrefix(r) === prefix);
              assert.ok(siblings.length > wildcardThreshold, `${resource}: ${siblings.length} siblings`);
              assert.ok(!deniedOnly.some((r) => r.startsWith(prefix)), `${resource} covers a denied resource`);
            }
          }
        }
        // A pair that was only ever denied is never granted.
        for (const d of [...entry.denied.explicit, ...entry.denied.implicit]) if (!d.alsoAllowed) assert.ok(!permits(policies, entry.principal, d.action, d.resource));
      }
    }),
    { numRuns: 200 },
  );
});

test('merging runs in any grouping gives the policy of all runs at once', () => {
  fc.assert(
    fc.property(fc.array(authzArbitrary, { maxLength: 60 }), fc.array(fc.nat(), { maxLength: 4 }), fc.boolean(), thresholdArbitrary, (events, cuts, rightFirst, wildcardThreshold) => {
      const options = wildcardThreshold === undefined ? {} : { wildcardThreshold };
      const parts = shards(events, cuts).map(accumulate);
      const merged = rightFirst
        ? parts.reduceRight((acc, part) => PolicyAccumulator.from(part.state()).merge(acc))
        : parts.reduce((acc, part) => acc.merge(PolicyAccumulator.from(part.state())));
      assert.deepEqual(merged.result(options), accumulate(events).result(options));
    }),
    { numRuns: 200 },
  );
});

test('states wait unfolded and pass on as they came, past the number that may wait, with events added in between', () => {
  fc.assert(
    fc.property(fc.array(authzArbitrary, { minLength: 40, maxLength: 80 }), (events) => {
      // One state per event (more than may wait unfolded), every third event added as an event instead.
      const merged = new PolicyAccumulator();
      events.forEach((event, index) => (index % 3 === 0 ? merged.add(event) : merged.mergeState(accumulate([event]).state())));
      const passedOn = PolicyAccumulator.from(merged.state());
      assert.deepEqual(passedOn.observed, accumulate(events).observed);
      assert.deepEqual(merged.observed, accumulate(events).observed);
    }),
    { numRuns: 50 },
  );
});

test('principals past the limit are dropped while reading, and the policy is an error naming the limit and the option', () => {
  const accumulator = new PolicyAccumulator({ maxPrincipals: 2 });
  for (const principal of ['a', 'b', 'c', 'd']) accumulator.add(allow(principal, 'x:Y', 'r'));
  accumulator.add(allow('a', 'x:Y', 'r2'));
  assert.throws(() => accumulator.result(), (error: Error) => error instanceof PrincipalLimitError && /more than 2 principals/.test(error.message) && /--max-principals/.test(error.message));
  // Nothing past the limit was kept, and a principal already in scope still counts.
  const kept = new PolicyAccumulator({ maxPrincipals: 2 });
  kept.add(allow('a', 'x:Y', 'r'));
  kept.add(allow('b', 'x:Y', 'r'));
  kept.add(allow('b', 'x:Y', 'r2'));
  assert.deepEqual(kept.result().principals.map((entry) => entry.observed.resources), [1, 2]);
});

test('the limit holds across threads: a shard over the limit makes the merged policy an error', () => {
  const shard = new PolicyAccumulator({ maxPrincipals: 1 });
  shard.add(allow('a', 'x:Y', 'r'));
  shard.add(allow('b', 'x:Y', 'r'));
  const main = PolicyAccumulator.from(structuredClone(shard.state()), { maxPrincipals: 10 });
  assert.throws(() => main.result(), PrincipalLimitError);
  // Parts folded on the reading thread count against its own limit too.
  const parts = ['a', 'b', 'c'].map((principal) => {
    const part = new PolicyAccumulator();
    part.add(allow(principal, 'x:Y', 'r'));
    return part.state();
  });
  assert.throws(() => PolicyAccumulator.from(parts.flat(), { maxPrincipals: 2 }).result(), PrincipalLimitError);
  assert.equal(PolicyAccumulator.from(parts.flat(), { maxPrincipals: 3 }).result().principals.length, 3);
});

test('a principal filter keeps only those principals, so the limit counts only them', () => {
  const accumulator = new PolicyAccumulator({ principals: ['c'], maxPrincipals: 1 });
  for (const principal of ['a', 'b', 'c', 'd']) accumulator.add(allow(principal, 'x:Y', 'r'));
  assert.deepEqual(accumulator.result().principals.map((entry) => entry.principal), ['c']);
});

test('policies one at a time are the same as all at once, and the limit is checked before the first', () => {
  const events = ['b', 'a', 'c'].map((principal) => allow(principal, 'x:Y', `r/${principal}`));
  const accumulator = accumulate(events);
  assert.deepEqual([...principalPolicies(accumulator, { wildcardThreshold: 0 })], accumulator.result({ wildcardThreshold: 0 }).principals);
  const over = new PolicyAccumulator({ maxPrincipals: 1 });
  for (const event of events) over.add(event);
  assert.throws(() => principalPolicies(over), PrincipalLimitError);
});

/** The tallies as the maps hold them, in (principal, action, resource) name order. */
function sortedObserved(accumulator: PolicyAccumulator): [string, string, string, number, number, number][] {
  const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const rows: [string, string, string, number, number, number][] = [];
  for (const [principal, actions] of accumulator.observed) {
    for (const [action, resources] of actions) for (const [resource, tally] of resources) rows.push([principal, action, resource, tally.allow, tally.explicitDeny, tally.implicitDeny]);
  }
  return rows.sort((a, b) => byText(a[0], b[0]) || byText(a[1], b[1]) || byText(a[2], b[2]));
}

test('the sorted part is the tallies the maps hold, summed over parts, in name order, naming only what they use', () => {
  fc.assert(
    fc.property(fc.array(authzArbitrary, { maxLength: 60 }), fc.array(fc.nat(), { maxLength: 4 }), fc.option(fc.nat({ max: 3 }), { nil: undefined }), (events, cuts, keep) => {
      // Some events counted into the maps, the rest waiting as parts; `keep` picks one principal to keep, if any.
      const scope = keep === undefined ? {} : { principals: [(events[keep] as AuthzEvent | undefined)?.principal ?? 'nobody'] };
      const merged = new PolicyAccumulator(scope);
      shards(events, cuts).forEach((shard, index) => (index % 2 === 0 ? shard.forEach((event) => merged.add(event)) : merged.mergeState(accumulate(shard).state())));
      const { names, accesses, tallies } = merged.sortedPart();
      const rows = Array.from({ length: accesses.length / 3 }, (_, row) => [names[accesses[3 * row]!]!, names[accesses[3 * row + 1]!]!, names[accesses[3 * row + 2]!]!, tallies[3 * row]!, tallies[3 * row + 1]!, tallies[3 * row + 2]!]);
      const expected = sortedObserved(PolicyAccumulator.from(merged.state(), scope));
      assert.deepEqual(rows, expected);
      assert.deepEqual(names, [...new Set(expected.flatMap((row) => row.slice(0, 3) as string[]))].sort());
    }),
    { numRuns: 200 },
  );
});

test('the sorted part holds the principal limit: past it is the same error as the policy', () => {
  const parts = ['a', 'b', 'c'].map((principal) => accumulate([allow(principal, 'x:Y', 'r')]).state());
  assert.throws(() => PolicyAccumulator.from(parts.flat(), { maxPrincipals: 2 }).sortedPart(), PrincipalLimitError);
  assert.equal(PolicyAccumulator.from(parts.flat(), { maxPrincipals: 3 }).sortedPart().accesses.length, 9);
  const dropped = new PolicyAccumulator({ maxPrincipals: 1 });
  dropped.add(allow('a', 'x:Y', 'r'));
  dropped.add(allow('b', 'x:Y', 'r'));
  assert.throws(() => dropped.sortedPart(), PrincipalLimitError);
});
