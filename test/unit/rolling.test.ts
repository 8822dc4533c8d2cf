// A rolling change's turns (src/ops/rolling.ts): which server goes next, and when a turn would cost
// the quorum, judged from the modes at that turn.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { nextToRestart, quorumShortfall } from '../../src/ops/rolling.js';

const five = ['LZY-01', 'LZY-02', 'LZY-03', 'LZY-04', 'LZY-05'];
const modes = (...list: string[]) => new Map(list.map((mode, i) => [five[i] as string, mode]));

describe('rolling turns', () => {
  test('servers not serving go first, then followers in order, the leader last', () => {
    const now = modes('follower', 'leader', 'down', 'follower', 'down');
    assert.equal(nextToRestart(five, now), 'LZY-03');
    assert.equal(nextToRestart(['LZY-01', 'LZY-02', 'LZY-05'], now), 'LZY-05');
    assert.equal(nextToRestart(['LZY-02', 'LZY-04'], now), 'LZY-04');
    assert.equal(nextToRestart(['LZY-02'], now), 'LZY-02');
    // An observer serves: not first. A host that cannot be reached fails its turn: after the others.
    const mixed = modes('observer', 'unreachable', 'follower', 'leader', 'follower');
    assert.equal(nextToRestart(five, mixed), 'LZY-01');
    assert.equal(nextToRestart(['LZY-02', 'LZY-04', 'LZY-05'], mixed), 'LZY-05');
    assert.equal(nextToRestart(['LZY-02', 'LZY-04'], mixed), 'LZY-02');
  });

  test('the review case: two of five down, a serving follower is never taken down (2 of 5 would serve)', () => {
    const now = modes('follower', 'leader', 'down', 'follower', 'down');
    assert.equal(
      quorumShortfall('LZY-01', now, five),
      'taking LZY-01 down now would leave 2 of 5 servers serving, below the quorum of 3 (not serving: LZY-03, LZY-05)',
    );
    // A server that is down costs nothing; with one down, a serving one may go (3 of 5 still serve).
    assert.equal(quorumShortfall('LZY-03', now, five), undefined);
    assert.equal(
      quorumShortfall('LZY-01', modes('follower', 'leader', 'down', 'follower', 'follower'), five),
      undefined,
    );
  });

  test('one or two servers cannot keep a quorum through any turn: their size, never refused', () => {
    assert.equal(quorumShortfall('LZY-01', modes('standalone'), ['LZY-01']), undefined);
    assert.equal(quorumShortfall('LZY-01', modes('follower', 'leader'), ['LZY-01', 'LZY-02']), undefined);
    assert.match(
      quorumShortfall('LZY-02', modes('down', 'leader', 'follower'), ['LZY-01', 'LZY-02', 'LZY-03']) ?? '',
      /leave 1 of 3 servers serving, below the quorum of 2/,
    );
  });
});
