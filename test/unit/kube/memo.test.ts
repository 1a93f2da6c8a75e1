import { boundedMemo } from '../../../lib/kube/memo';

test('boundedMemo computes once per argument and forgets everything when full', () => {
  const calls: string[] = [];
  const f = boundedMemo(2, (k: string) => {
    calls.push(k);
    return k.length === 0 ? null : k.toUpperCase();
  });
  expect([f('a'), f('a'), f(''), f('')]).toEqual(['A', 'A', null, null]); // null is remembered too
  expect(calls).toEqual(['a', '']);
  f('b'); // full: starts over
  f('a');
  expect(calls).toEqual(['a', '', 'b', 'a']);
});
