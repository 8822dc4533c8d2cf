import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  agreedAddresses,
  javaMajor,
  judgeDisk,
  judgeJava,
  judgeNames,
  judgePorts,
  judgeService,
  judgeSize,
} from '../../src/check/judge.js';
import type { CheckFacts } from '../../src/check/types.js';

const facts = (over: Partial<CheckFacts> = {}): CheckFacts => ({
  java: '/usr/bin/java',
  javaVersion: 'openjdk version "17.0.15" 2025-04-15',
  disks: { installDir: { path: '/home/zk', freeKiB: 10_000_000, writable: true } },
  listening: new Set(),
  zookeeperRunning: false,
  zookeeperInstalled: false,
  resolves: new Map(),
  home: '/home/zk',
  ...over,
});

describe('preflight judgements', () => {
  test('service: systemd passes where systemd runs, and fails with the fix where it does not', () => {
    assert.equal(judgeService(true).status, 'pass');
    const without = judgeService(false);
    assert.equal(without.status, 'fail');
    assert.match(without.fix ?? '', /service: zkServer\.sh/);
  });

  test("Java's major version, old and new styles", () => {
    assert.equal(javaMajor('java version "1.8.0_292"'), 8);
    assert.equal(javaMajor('openjdk version "17.0.15" 2025-04-15'), 17);
    assert.equal(javaMajor('version "11.0.2"'), 11);
    assert.equal(javaMajor(undefined), undefined);
  });

  test('Java against the release: missing fails, too old fails, 3.4 on new Java warns', () => {
    assert.equal(judgeJava(facts({ java: undefined }), '3.8.0').status, 'fail');
    assert.equal(judgeJava(facts({ javaVersion: 'java version "1.7.0_80"' }), '3.8.0').status, 'fail');
    assert.equal(judgeJava(facts({ javaVersion: 'java version "1.7.0_80"' }), '3.4.9').status, 'pass');
    assert.equal(judgeJava(facts(), '3.4.9').status, 'warn');
    assert.equal(judgeJava(facts(), '3.8.0').status, 'pass');
    assert.equal(judgeJava(facts(), undefined).status, 'pass');
  });

  test('disk: too little room or no write permission fails; data under 1 GiB warns', () => {
    const need = 100_000;
    assert.equal(judgeDisk(facts(), need).status, 'pass');
    assert.equal(
      judgeDisk(facts({ disks: { installDir: { path: '/x', freeKiB: 50_000, writable: true } } }), need)
        .status,
      'fail',
    );
    assert.equal(
      judgeDisk(facts({ disks: { dataDir: { path: '/d', freeKiB: 500_000, writable: true } } }), need).status,
      'warn',
    );
    assert.equal(
      judgeDisk(facts({ disks: { dataDir: { path: '/d', freeKiB: 9_000_000, writable: false } } }), need)
        .status,
      'fail',
    );
  });

  test('ports: free passes, held by our server passes, held by another fails', () => {
    const ports = { clientPort: 2181, quorumPort: 2888, electionPort: 3888 };
    assert.equal(judgePorts(facts(), ports).status, 'pass');
    assert.equal(
      judgePorts(facts({ listening: new Set([2181, 3888]), zookeeperRunning: true }), ports).status,
      'pass',
    );
    const taken = judgePorts(facts({ listening: new Set([2888]) }), ports);
    assert.equal(taken.status, 'fail');
    assert.match(taken.message, /2888 \(quorumPort\)/);
  });

  test('names: loopback, unresolved and disagreeing answers fail', () => {
    const all = new Map<string, CheckFacts>([
      [
        'a',
        facts({
          resolves: new Map([
            ['a', '127.0.1.1'],
            ['b', '10.0.0.2'],
          ]),
        }),
      ],
      [
        'b',
        facts({
          resolves: new Map([
            ['a', '10.0.0.1'],
            ['b', '10.0.0.2'],
          ]),
        }),
      ],
      [
        'c',
        facts({
          resolves: new Map([
            ['a', '10.0.0.1'],
            ['b', '10.0.0.9'],
          ]),
        }),
      ],
    ]);
    const agreed = agreedAddresses(all);
    assert.equal(agreed.get('a'), '10.0.0.1');
    const a = judgeNames('a', all.get('a') as CheckFacts, agreed);
    assert.equal(a.status, 'fail');
    assert.match(a.fix ?? '', /127\.0\.1\.1 a/);
    assert.equal(judgeNames('b', all.get('b') as CheckFacts, agreed).status, 'pass');
    assert.match(
      judgeNames('c', all.get('c') as CheckFacts, agreedAddresses(all)).message,
      /b resolves to 10\.0\.0\.9/,
    );
    assert.match(
      judgeNames('a', facts({ resolves: new Map([['x', undefined]]) }), agreed).message,
      /x does not resolve/,
    );
  });

  test('ensemble size: odd and at least three', () => {
    assert.equal(judgeSize(5).status, 'pass');
    assert.equal(judgeSize(4).status, 'warn');
    assert.equal(judgeSize(1).status, 'warn');
  });
});
