// Starting servers never gives the ensemble a second leader: the judge of `start` and `install --start`
// on the ensemble as every server describes itself (src/membership/start-guard.ts).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runningMembership } from '../../src/membership/current.js';
import type { EnsembleHost, EnsembleView } from '../../src/membership/ensemble-view.js';
import { startRefusals, strangerRefusals, unjudgedWarning } from '../../src/membership/start-guard.js';
import type { Member } from '../../src/membership/steps.js';

const m = (myid: number) => ({ myid, name: `LZY-0${myid}` });
const five = [1, 2, 3, 4, 5].map(m);
const three = [1, 2, 3].map(m);
const cfg = (members: Member[]) => members.map((x) => `server.${x.myid}=${x.name}:2888:3888`).join('\n');

function view(
  hosts: [name: string, mode: string, members: Member[] | undefined, selected?: boolean][],
): EnsembleView {
  const rows: EnsembleHost[] = hosts.map(([name, mode, members, selected = true]) => ({
    name,
    selected,
    inInventory: true,
    mode,
    reachable: mode !== 'unreachable',
    members,
    facts: members
      ? { home: '/home/admin', zooCfg: cfg(members), myid: undefined, dataFiles: 0, swap: undefined }
      : undefined,
  }));
  const running = runningMembership(
    rows.map((r) => ({
      name: r.name,
      running: !['down', 'unreachable'].includes(r.mode),
      zooCfg: r.facts?.zooCfg,
    })),
  );
  return { hosts: rows, running, unread: rows.filter((r) => !r.reachable).map((r) => r.name) };
}

describe('start guard', () => {
  test('the review case: two stopped servers given a 3-server list while the other three lead the 5: refused, each named', () => {
    const refusals = startRefusals(
      view([
        ['LZY-01', 'follower', five, false],
        ['LZY-02', 'down', three],
        ['LZY-03', 'down', three],
        ['LZY-04', 'follower', five, false],
        ['LZY-05', 'leader', five, false],
      ]),
    );
    assert.equal(refusals.length, 2);
    assert.match(
      refusals[0]?.message ?? '',
      /^LZY-02's zoo\.cfg lists 3 servers \(1=LZY-01, 2=LZY-02, 3=LZY-03\), but the running servers \(LZY-01, LZY-04, LZY-05\) use 5 servers/,
    );
    assert.match(refusals[1]?.message ?? '', /^LZY-03's/);
    assert.match(refusals[0]?.fix ?? '', /zkdeploy scale/);
  });

  test("a stopped server with the running ensemble's list starts; servers already up are not judged", () => {
    assert.deepEqual(
      startRefusals(
        view([
          ['LZY-01', 'follower', five],
          ['LZY-02', 'down', five],
          ['LZY-03', 'leader', five],
          ['LZY-04', 'unreachable', undefined],
          ['LZY-05', 'down', undefined],
        ]),
      ),
      [],
    );
  });

  test('none running: lists that disagree refuse any start, whichever hosts are selected', () => {
    const split = view([
      ['LZY-01', 'down', five, false],
      ['LZY-02', 'down', three],
      ['LZY-03', 'down', three],
      ['LZY-04', 'down', five, false],
      ['LZY-05', 'down', five, false],
    ]);
    const [refusal, ...more] = startRefusals(split);
    assert.deepEqual(more, []);
    assert.match(
      refusal?.message ?? '',
      /no server runs, and the servers' zoo\.cfg files disagree on the ensemble: LZY-01, LZY-04, LZY-05 list 5 servers .*; LZY-02, LZY-03 list 3 servers/,
    );
    assert.match(refusal?.fix ?? '', /zkdeploy install .*\(no --hosts\)/);
  });

  test('a host that cannot be read is said to be unjudged before any start', () => {
    const partial = view([
      ['LZY-01', 'unreachable', undefined, false],
      ['LZY-02', 'down', three],
      ['LZY-03', 'down', three],
    ]);
    assert.deepEqual(startRefusals(partial), []);
    assert.match(unjudgedWarning(partial) ?? '', /^not judged: LZY-01 could not be read/);
    assert.equal(unjudgedWarning(view([['LZY-01', 'down', three]])), undefined);
  });

  test('none running and one list everywhere (or no zoo.cfg yet): nothing refused', () => {
    assert.deepEqual(
      startRefusals(view(five.map((x) => [x.name, 'down', five] as [string, string, Member[]]))),
      [],
    );
    assert.deepEqual(
      startRefusals(view(five.map((x) => [x.name, 'down', undefined] as [string, string, undefined]))),
      [],
    );
  });

  test('a data swap marked on a host (restore or rollback stopped midway): every start refused, that command named', () => {
    const stopped = view(five.map((x) => [x.name, 'down', five] as [string, string, Member[]]));
    const marked = stopped.hosts[2];
    if (marked?.facts) marked.facts.swap = 'restore of zxid 0x5 from lzy-1 began 2026-12-07T22:00:00Z';
    const refusals = startRefusals(stopped);
    assert.equal(refusals.length, 1);
    assert.match(
      refusals[0]?.message ?? '',
      /^LZY-03: restore of zxid 0x5 .*: a server started with its data half swapped could win/,
    );
  });

  test('a server of the ensemble running outside the inventory: a restore or rollback that stops every server is refused, naming it', () => {
    const six = [...five, { myid: 6, name: 'LZY-06' }];
    const ensemble = view([
      ...five.map((x) => [x.name, 'follower', six] as [string, string, Member[]]),
      ['LZY-06', 'leader', six],
    ]);
    const outside = ensemble.hosts.at(-1);
    if (outside) outside.inInventory = false;
    const refusals = strangerRefusals(ensemble, 'restore');
    assert.equal(refusals.length, 1);
    assert.match(
      refusals[0]?.message ?? '',
      /^LZY-06 runs as a server of this ensemble \(leader\) but is not in the inventory: restore would not stop it/,
    );
    if (outside) outside.mode = 'down';
    assert.deepEqual(strangerRefusals(ensemble, 'restore'), [], 'a stopped one is no danger');
  });
});
