import { rankGroups } from '../../../lib/cluster/apply';

const o = (kind: string, name: string) => ({ apiVersion: 'v1', kind, metadata: { name } });

test('rankGroups: consecutive objects of one apply rank form one group, order kept', () => {
  const objs = [o('ConfigMap', 'a'), o('ConfigMap', 'b'), o('Service', 's'), o('Deployment', 'd1'), o('Deployment', 'd2'), o('Widget', 'w'), o('Gadget', 'g')];
  expect(rankGroups(objs).map((g) => g.map((x) => x.metadata.name))).toEqual([['a', 'b'], ['s'], ['d1', 'd2'], ['w', 'g']]);
  expect(rankGroups([])).toEqual([]);
});
