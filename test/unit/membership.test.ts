import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ClusterSettings } from '../../src/inventory/types.js';
import { validateInventory } from '../../src/inventory/validate.js';
import { membersOf, runningMembership } from '../../src/membership/current.js';
import { staleState } from '../../src/membership/host-state.js';
import { listsThisEnsemble } from '../../src/membership/left.js';
import { describeStep, type MembershipStep, membershipSteps } from '../../src/membership/steps.js';
import { unfinishedStep } from '../../src/membership/unfinished.js';
import { renderZooCfg } from '../../src/render/zoo-cfg.js';
import { judgeHealth, quorumOf } from '../../src/zk/health.js';

const m = (myid: number, name = `LZY-0${myid}`) => ({ myid, name });
const five = [1, 2, 3, 4, 5].map((n) => m(n));

describe('membership steps', () => {
  test('5 → 7: one server in at a time, each step with its quorum arithmetic; an even count said', () => {
    const { steps, refusals } = membershipSteps(five, [...five, m(6), m(7)]);
    assert.deepEqual(refusals, []);
    assert.deepEqual(steps.map(describeStep), [
      'add LZY-06 (server.6): 5 → 6 servers, quorum 3 → 4, tolerating 2 → 2 failures; 6 is even: it tolerates no more failures than 5',
      'add LZY-07 (server.7): 6 → 7 servers, quorum 4 → 4, tolerating 2 → 3 failures',
    ]);
  });

  test('a replaced server: the new one comes in before the old one goes out', () => {
    const { steps } = membershipSteps(five, [...five.slice(0, 4), m(6)]);
    assert.deepEqual(
      steps.map((s) => `${s.kind} ${s.member.name} ${s.after.length}`),
      ['add LZY-06 6', 'remove LZY-05 5'],
    );
  });

  test('5 → 3 in two steps; an id that changes its host in one change is refused', () => {
    assert.deepEqual(
      membershipSteps(five, five.slice(0, 3)).steps.map(
        (s) => `${s.kind} ${s.member.name} → ${s.after.length}`,
      ),
      ['remove LZY-04 → 4', 'remove LZY-05 → 3'],
    );
    const { refusals } = membershipSteps(five, [...five.slice(0, 4), m(5, 'LZY-09')]);
    assert.match(
      refusals[0]?.message ?? '',
      /server\.5 is LZY-05 in the running ensemble and LZY-09 in the inventory/,
    );
    assert.deepEqual(quorumOf(7), { majority: 4, tolerates: 3 });
  });
});

describe('the running membership', () => {
  const cfg = (ids: number[]) => ids.map((n) => `server.${n}=LZY-0${n}:2888:3888`).join('\n');
  test('read from the running servers’ zoo.cfg; a host whose list differs is named', () => {
    assert.deepEqual(membersOf(`tickTime=2000\n${cfg([2, 1])}\n`), [m(1), m(2)]);
    const found = runningMembership([
      { name: 'LZY-01', running: true, zooCfg: cfg([1, 2, 3]) },
      { name: 'LZY-02', running: true, zooCfg: cfg([1, 2, 3]) },
      { name: 'LZY-03', running: true, zooCfg: cfg([1, 2, 3, 4]) },
      { name: 'LZY-04', running: false, zooCfg: cfg([1, 2, 3, 4]) },
    ]);
    assert.deepEqual(found?.members, [m(1), m(2), m(3)]);
    assert.deepEqual(found?.disagree, ['LZY-03']);
    assert.equal(runningMembership([{ name: 'LZY-01', running: false, zooCfg: cfg([1]) }]), undefined);
  });

  test('a joining host with another id or old data is named before it bites', () => {
    assert.match(
      staleState({ home: '/h', zooCfg: undefined, myid: '3', dataFiles: 0, swap: undefined }, 6) ?? '',
      /data\/myid says "3", the inventory 6/,
    );
    assert.match(
      staleState({ home: '/h', zooCfg: undefined, myid: undefined, dataFiles: 4, swap: undefined }, 6) ?? '',
      /4 snapshot and log files/,
    );
    assert.equal(
      staleState({ home: '/h', zooCfg: undefined, myid: '6', dataFiles: 0, swap: undefined }, 6),
      undefined,
    );
  });
});

describe('observers', () => {
  test('named :observer in every list, peerType=observer in its own zoo.cfg; never in the quorum arithmetic', () => {
    const cluster = {
      quorumPort: 2888,
      electionPort: 3888,
      clientPort: 2181,
      tickTime: 2000,
      initLimit: 10,
      syncLimit: 5,
      dataDir: '~/d',
      dataLogDir: '~/l',
      settings: {},
    } as unknown as ClusterSettings;
    const spec = (myid: number, observer = false) => ({
      name: `LZY-0${myid}`,
      myid,
      address: undefined,
      port: undefined,
      proxyJump: undefined,
      ...(observer ? { observer } : {}),
    });
    const hosts = [spec(1), spec(2), spec(3), spec(4, true)];
    const voter = renderZooCfg(cluster, hosts, '/home/admin', spec(1));
    const observer = renderZooCfg(cluster, hosts, '/home/admin', spec(4, true));
    assert.match(voter, /^server\.4=LZY-04:2888:3888:observer$/m);
    assert.doesNotMatch(voter, /peerType/);
    assert.match(observer, /^peerType=observer$/m);
    assert.deepEqual(membersOf(voter).at(-1), { myid: 4, name: 'LZY-04', observer: true });
    const { steps } = membershipSteps([m(1), m(2), m(3)], [m(1), m(2), m(3), { ...m(4), observer: true }]);
    assert.equal(
      describeStep(steps[0] as MembershipStep),
      'add LZY-04 (server.4, observer): 3 voting servers, quorum 2, tolerating 1 failures, unchanged',
    );
    assert.deepEqual(judgeHealth(['leader', 'follower', 'follower', 'observer']), {
      healthy: true,
      quorumSize: 2,
      inQuorum: 4,
      summary: 'healthy: 1 leader, 2 followers, 1 observer (quorum 2 of 3)',
    });
  });
});

describe('a server an earlier scale took out', () => {
  const inventory = validateInventory(
    { hosts: ['LZY-01', 'LZY-02', 'LZY-03', 'LZY-04', 'LZY-05'] },
    'lzy.yaml',
  );
  test("is this ensemble's only while its list names one of the inventory's servers, same id, besides itself", () => {
    assert.equal(listsThisEnsemble('LZY-07', [...five, m(6), m(7)], inventory), true);
    // Another ensemble on the recycled host: its own list, or the same names under other ids.
    assert.equal(listsThisEnsemble('LZY-07', [m(7)], inventory), false);
    assert.equal(listsThisEnsemble('LZY-07', [m(1, 'LZY-07'), m(2, 'OTHER-02')], inventory), false);
    assert.equal(listsThisEnsemble('LZY-07', [m(7), m(9, 'LZY-01')], inventory), false);
    assert.equal(listsThisEnsemble('LZY-07', [], inventory), false);
  });
});

describe('a scale stopped midway', () => {
  const six = [...five, m(6)];
  const on = (list: ReturnType<typeof m>[], ...names: string[]) =>
    names.map((name) => ({ name, members: list }));
  test('an add: LZY-06 and LZY-01 on six, the rest on five; continued toward six, the four behind rolled', () => {
    const found = unfinishedStep(
      [...on(six, 'LZY-06', 'LZY-01'), ...on(five, 'LZY-02', 'LZY-03', 'LZY-04', 'LZY-05')],
      six,
    );
    assert.equal(found?.step.kind, 'add');
    assert.equal(found?.step.member.name, 'LZY-06');
    assert.deepEqual(found?.behind, ['LZY-02', 'LZY-03', 'LZY-04', 'LZY-05']);
  });
  test('a remove: LZY-06 leaving keeps six and is never rolled; those still on six are behind', () => {
    const found = unfinishedStep(
      [...on(five, 'LZY-01', 'LZY-02'), ...on(six, 'LZY-03', 'LZY-04', 'LZY-05', 'LZY-06')],
      five,
    );
    assert.equal(found?.step.kind, 'remove');
    assert.deepEqual(found?.behind, ['LZY-03', 'LZY-04', 'LZY-05']);
  });
  test('lists further apart, or three of them: no step of ours', () => {
    assert.equal(
      unfinishedStep([...on(five, 'LZY-01'), ...on([m(1), m(2), m(3)], 'LZY-02')], five),
      undefined,
    );
    assert.equal(
      unfinishedStep([...on(five, 'LZY-01'), ...on(six, 'LZY-02'), ...on([...six, m(7)], 'LZY-03')], six),
      undefined,
    );
    // The same names under other ids (another ensemble's list) are not one server apart.
    assert.equal(
      unfinishedStep(
        [...on(five, 'LZY-01'), ...on([...five.slice(0, 4), m(9, 'LZY-05'), m(6)], 'LZY-02')],
        six,
      ),
      undefined,
    );
  });
});
