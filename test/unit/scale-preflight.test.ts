// Scale's preflight as a pure judgement: what it would do and every reason it refuses, from modes and
// what each host holds, before anything changes.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { MembershipFacts } from '../../src/membership/host-state.js';
import { judgeScale } from '../../src/membership/scale-preflight.js';

const name = (n: number) => `LZY-0${n}`;
const list = (count: number) => Array.from({ length: count }, (_, i) => ({ myid: i + 1, name: name(i + 1) }));
const zooCfg = (count: number) =>
  list(count)
    .map((m) => `server.${m.myid}=${m.name}:2888:3888`)
    .join('\n');
const facts = (count: number | undefined, extra: Partial<MembershipFacts> = {}): MembershipFacts => ({
  home: '/home/admin',
  zooCfg: count === undefined ? undefined : zooCfg(count),
  myid: undefined,
  dataFiles: 0,
  swap: undefined,
  ...extra,
});
const cluster = { dataDir: '~/zookeeper/data', dataLogDir: '~/zookeeper/txlog' };

function ensemble(
  modes: string[],
  lists: (number | undefined)[],
  extra: Record<string, Partial<MembershipFacts>> = {},
) {
  const rows = modes.map((mode, i) => ({ name: name(i + 1), mode }));
  const found = new Map(lists.map((count, i) => [name(i + 1), facts(count, extra[name(i + 1)])] as const));
  return { rows, found };
}

describe("scale's preflight", () => {
  test('five running, seven wanted: two adds, one at a time; nothing refused', () => {
    const { rows, found } = ensemble(
      ['follower', 'follower', 'leader', 'follower', 'follower', 'down', 'down'],
      [5, 5, 5, 5, 5, undefined, undefined],
    );
    const judged = judgeScale(rows, found, list(7), cluster);
    assert.deepEqual(
      judged?.steps.map((s) => `${s.kind} ${s.member.name}`),
      ['add LZY-06', 'add LZY-07'],
    );
    assert.deepEqual(judged?.refusals, []);
  });

  test('a server of the running list down: refused on that host; a joining host with old state too', () => {
    const { rows, found } = ensemble(
      ['follower', 'follower', 'leader', 'follower', 'down', 'down'],
      [5, 5, 5, 5, 5, undefined],
      { 'LZY-06': { myid: '3', dataFiles: 4 } },
    );
    const refusals = judgeScale(rows, found, list(6), cluster)?.refusals ?? [];
    assert.deepEqual(
      refusals.map((r) => r.host),
      ['LZY-05', 'LZY-06'],
    );
    assert.match(
      refusals[0]?.message ?? '',
      /server\.5 is down: a membership step with a server down could lose the quorum/,
    );
    assert.match(refusals[1]?.message ?? '', /its data\/myid says "3", the inventory 6/);
  });

  test('a scale killed midway is finished first; its hosts behind may be down, the others may not', () => {
    // LZY-06 joined with six; LZY-01 rolled onto six; LZY-02 was stopped for its turn when it died.
    const { rows, found } = ensemble(
      ['follower', 'down', 'leader', 'follower', 'follower', 'follower', 'down'],
      [6, 5, 5, 5, 5, 6, undefined],
    );
    const judged = judgeScale(rows, found, list(7), cluster);
    assert.equal(judged?.unfinished?.step.kind, 'add');
    assert.equal(judged?.unfinished?.step.member.name, 'LZY-06');
    assert.deepEqual(judged?.unfinished?.behind, ['LZY-02', 'LZY-03', 'LZY-04', 'LZY-05']);
    assert.deepEqual(
      judged?.steps.map((s) => `${s.kind} ${s.member.name} (${s.before.length} → ${s.after.length})`),
      ['add LZY-06 (5 → 6)', 'add LZY-07 (6 → 7)'],
    );
    assert.deepEqual(judged?.refusals, []);
  });

  test('lists no scale leaves (two apart), and none running', () => {
    const { rows, found } = ensemble(['follower', 'leader', 'follower'], [3, 5, 5]);
    assert.match(
      judgeScale(rows, found, list(5), cluster)?.refusals[0]?.message ?? '',
      /servers run with different server lists \(LZY-01 differ from the others\)/,
    );
    const down = ensemble(['down', 'down', 'down'], [3, 3, 3]);
    assert.equal(judgeScale(down.rows, down.found, list(3), cluster), undefined);
  });
});
