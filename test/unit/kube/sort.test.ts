import { compareStrings, sortedKeys, sortedRecord } from '../../../lib/kube/sort';

describe('one string order', () => {
  test('code-unit order, not the locale\'s: upper case before lower case, "-" before digits before letters', () => {
    expect(['b', 'B', 'a', 'a-1', 'a1', 'A'].sort(compareStrings)).toEqual(['A', 'B', 'a', 'a-1', 'a1', 'b']);
    expect(['b', 'B', 'a'].sort((x, y) => x.localeCompare(y, 'en'))).toEqual(['a', 'b', 'B']); // what it is not
  });

  test('sortedKeys and sortedRecord use the same order', () => {
    const r = { b: 1, B: 2, a: 3 };
    expect(sortedKeys(r)).toEqual(['B', 'a', 'b']);
    expect(Object.keys(sortedRecord(r))).toEqual(['B', 'a', 'b']);
  });
});
