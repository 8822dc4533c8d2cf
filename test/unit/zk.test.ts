import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { judgeHealth } from '../../src/zk/health.js';
import { parseSrvr, parseStatusOutput } from '../../src/zk/srvr.js';

// Replies as documented for 3.4.x and seen from 3.8.0 on the lab.
const srvr38 = `Zookeeper version: 3.8.0-debian--1, built on 2024-06-16 00:00 UTC
Latency min/avg/max: 0/0.4/3
Received: 12
Sent: 11
Connections: 2
Outstanding: 0
Zxid: 0x100000003
Mode: leader
Node count: 6
Proposal sizes last/min/max: 48/48/92
`;
const srvr349 = `Zookeeper version: 3.4.9-1757313, built on 08/23/2016 06:50 GMT
Latency min/avg/max: 0/0/0
Received: 3
Sent: 2
Connections: 1
Outstanding: 0
Zxid: 0x0
Mode: follower
Node count: 4
`;

describe('srvr and zkServer.sh status parsing', () => {
  test('3.8 srvr: mode, version, zxid, connections, latency, node count', () => {
    const r = parseSrvr(srvr38);
    assert.deepEqual(
      [r.mode, r.version, r.zxid, r.connections, r.latency, r.nodeCount, r.notServing],
      ['leader', '3.8.0', '0x100000003', 2, '0/0.4/3', 6, false],
    );
  });

  test('3.4.9 srvr', () => {
    const r = parseSrvr(srvr349);
    assert.deepEqual([r.mode, r.version, r.zxid, r.connections], ['follower', '3.4.9', '0x0', 1]);
    assert.equal(r.build, '3.4.9-1757313, built on 08/23/2016 06:50 GMT');
  });

  test('a server without quorum says so instead of a mode', () => {
    const r = parseSrvr('This ZooKeeper instance is not currently serving requests\n');
    assert.equal(r.mode, undefined);
    assert.equal(r.notServing, true);
  });

  test('zkServer.sh status, 3.8 and 3.4.9 stdout, and the failure line', () => {
    const s38 = 'Client port found: 2181. Client address: localhost. Client SSL: false.\nMode: follower\n';
    assert.equal(parseStatusOutput(s38), 'follower');
    assert.equal(parseStatusOutput('Mode: leader\n'), 'leader');
    assert.equal(parseStatusOutput('/usr/bin/java\nMode: read-only\n'), 'read-only');
    assert.equal(parseStatusOutput('Error contacting service. It is probably not running.\n'), undefined);
  });
});

describe('ensemble health', () => {
  test('one leader and four followers is healthy', () => {
    const h = judgeHealth(['follower', 'leader', 'follower', 'follower', 'follower']);
    assert.equal(h.healthy, true);
    assert.equal(h.summary, 'healthy: 1 leader, 4 followers (quorum 3 of 5)');
  });

  test('one down: unhealthy but still serving; three down: lost', () => {
    const one = judgeHealth(['leader', 'follower', 'follower', 'follower', 'down']);
    assert.equal(one.healthy, false);
    assert.equal(one.summary, 'unhealthy: 1 leader, 3 followers, 1 down (quorum 3 of 5: still serving)');
    const three = judgeHealth(['not-serving', 'not-serving', 'down', 'down', 'down']);
    assert.equal(three.summary, 'unhealthy: 2 not-serving, 3 down (quorum 3 of 5: lost)');
  });

  test('two leaders, an unreachable host, a lone standalone', () => {
    assert.equal(judgeHealth(['leader', 'leader', 'follower']).healthy, false);
    assert.equal(judgeHealth(['leader', 'follower', 'unreachable']).healthy, false);
    assert.equal(judgeHealth(['standalone']).healthy, true);
  });

  test('some hosts of the ensemble (--hosts): each must be in the quorum', () => {
    assert.equal(
      judgeHealth(['follower', 'leader'], 5).summary,
      'healthy: 1 leader, 1 follower (2 of 5 hosts shown)',
    );
    assert.equal(judgeHealth(['follower', 'down'], 5).healthy, false);
  });
});
