import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { ClusterSettings } from '../../src/inventory/types.js';
import { releaseSwitch } from '../../src/plan/release-switch.js';
import { archiveCommand, restoreCommand } from '../../src/upgrade/archive.js';
import {
  formatRecord,
  parseRecord,
  type UpgradeFacts,
  type UpgradeRecord,
} from '../../src/upgrade/host-state.js';
import { type PreflightHost, preflightUpgrade } from '../../src/upgrade/preflight.js';
import { preflightRollback } from '../../src/upgrade/rollback-preflight.js';
import { judgeDataSwap } from '../../src/upgrade/swap-preflight.js';
import { lastZxid, logsAfter } from '../../src/upgrade/txn-logs.js';
import { mixedReleases } from '../../src/zk/drift.js';
import { compareVersions, unreadableTypes } from '../../src/zk/release.js';
import { readTxnLog } from '../../src/zk/txn-log.js';

/** A transaction log as ZooKeeper writes it: header, then checksum, length, entry, 'B'; zero padding after. */
function txnLog(entries: { zxid: bigint; type: number; inner?: number[] }[], padding = 64): Buffer {
  const header = Buffer.alloc(16);
  header.writeUInt32BE(0x5a4b4c47, 0);
  header.writeInt32BE(2, 4);
  const records = entries.map(({ zxid, type, inner }) => {
    const body = Buffer.alloc(32);
    body.writeBigInt64BE(0x1234n, 0); // clientId
    body.writeInt32BE(1, 8); // cxid
    body.writeBigInt64BE(zxid, 12);
    body.writeBigInt64BE(1_700_000_000_000n, 20); // time
    body.writeInt32BE(type, 28);
    const txns = (inner ?? []).map((t) => {
      const txn = Buffer.alloc(12);
      txn.writeInt32BE(t, 0);
      txn.writeInt32BE(4, 4);
      return txn;
    });
    const multi = inner ? [Buffer.from([0, 0, 0, inner.length]), ...txns] : [Buffer.from('payload')];
    const entry = Buffer.concat([body, ...multi]);
    const prefix = Buffer.alloc(12);
    prefix.writeInt32BE(entry.length, 8);
    return Buffer.concat([prefix, entry, Buffer.from('B')]);
  });
  return Buffer.concat([header, ...records, Buffer.alloc(padding)]);
}

describe('transaction logs', () => {
  test('records are read up to the zero padding, with a multi’s inner types', () => {
    const log = readTxnLog(
      txnLog([
        { zxid: 0x100000001n, type: -10 },
        { zxid: 0x100000002n, type: 1 },
        { zxid: 0x100000003n, type: 14, inner: [1, 5, 13] },
      ]),
    );
    assert.equal(log.damaged, false);
    assert.deepEqual(
      log.records.map((r) => [r.zxid, r.type, r.inner]),
      [
        [0x100000001n, -10, []],
        [0x100000002n, 1, []],
        [0x100000003n, 14, [1, 5, 13]],
      ],
    );
  });

  test('a file cut in the middle of a record is damaged; a file that is no log is refused', () => {
    const whole = txnLog(
      [
        { zxid: 1n, type: 1 },
        { zxid: 2n, type: 2 },
      ],
      0,
    );
    assert.deepEqual(
      readTxnLog(whole.subarray(0, whole.length - 5)).records.map((r) => r.zxid),
      [1n],
    );
    assert.equal(readTxnLog(whole.subarray(0, whole.length - 5)).damaged, true);
    assert.throws(() => readTxnLog(Buffer.from('snapshot file, not a log')), /no ZKLG header/);
  });

  test('what 3.4.x cannot load: 3.5+ types, at the top or inside a multi; 3.5+ loads everything', () => {
    const records = readTxnLog(
      txnLog([
        { zxid: 1n, type: 1 },
        { zxid: 2n, type: 19 },
        { zxid: 3n, type: 15 },
        { zxid: 4n, type: 14, inner: [1, 21] },
        { zxid: 5n, type: 19 },
      ]),
    ).records;
    assert.deepEqual(
      [...unreadableTypes(records, '3.4.9')],
      [
        ['createContainer', 2],
        ['create2', 1],
        ['createTTL', 1],
      ],
    );
    assert.equal(unreadableTypes(records, '3.8.0').size, 0);
    assert.equal(unreadableTypes(records.slice(0, 1), '3.4.14').size, 0);
  });

  test('the logs that may hold transactions after a zxid, and the last zxid of the data', () => {
    const names = ['log.200000001', 'log.100000001', 'log.300000005'];
    assert.deepEqual(logsAfter(names, 0x200000010n), ['log.200000001', 'log.300000005']);
    assert.deepEqual(logsAfter(names, 0x1n), ['log.100000001', 'log.200000001', 'log.300000005']);
    assert.equal(
      lastZxid([{ zxid: 0x10000003cn, type: 1, inner: [] }], ['snapshot.100000000']),
      0x10000003cn,
    );
    assert.equal(lastZxid([], ['snapshot.0', 'snapshot.200000004']), 0x200000004n);
  });
});

describe('versions', () => {
  test('ordered by number, not by text', () => {
    assert.ok(compareVersions('3.4.9', '3.4.14') < 0);
    assert.ok(compareVersions('3.8.0', '3.4.9') > 0);
    assert.equal(compareVersions('3.8.0', '3.8.0'), 0);
  });
});

const cluster = {
  installDir: '~/zookeeper',
  dataDir: '~/zookeeper/data',
  dataLogDir: '~/zookeeper/logs',
  settings: {},
} as unknown as ClusterSettings;

const facts = (over: Partial<UpgradeFacts> = {}): UpgradeFacts => ({
  home: '/home/admin',
  zookeeperHome: '/home/admin/zookeeper/zookeeper-3.4.9',
  record: undefined,
  snapshots: ['snapshot.100000000'],
  logs: ['log.100000001'],
  logKiB: 2048,
  freeKiB: 10 * 1024 * 1024,
  listening: new Set([2181, 2888, 3888]),
  placement: {
    dataDir: { real: '/home/admin/zookeeper/data', symlink: false, mount: false, innerMount: false },
    dataLogDir: { real: '/home/admin/zookeeper/logs', symlink: false, mount: false, innerMount: false },
  },
  present: new Set(['dataArchive', 'logArchive', 'from', 'to', 'zookeeperHome']),
  swap: undefined,
  ...over,
});

function host(n: number, mode: string, over: Partial<UpgradeFacts> = {}, version = '3.4.9'): PreflightHost {
  return {
    name: `LZY-0${n}`,
    status: { name: `LZY-0${n}`, myid: n, mode, version: mode === 'down' ? undefined : version },
    facts: facts(over),
    targetHome: '/home/admin/zookeeper/apache-zookeeper-3.8.0-bin',
    unexpectedChanges: [],
    failures: [],
  };
}

const target = { releaseDir: 'apache-zookeeper-3.8.0-bin', version: '3.8.0' };
const healthy = () => [host(1, 'follower'), host(2, 'follower'), host(3, 'leader', { snapshots: [] })];

describe('upgrade preflight', () => {
  test('a healthy 3.4.9 ensemble: every host rolls, the one without a snapshot needs trust.empty once', () => {
    const result = preflightUpgrade(cluster, healthy(), target);
    assert.deepEqual(result.refusals, []);
    assert.equal(result.fromVersion, '3.4.9');
    assert.deepEqual(
      result.hosts.map((h) => [h.name, h.action, h.trustEmpty]),
      [
        ['LZY-01', 'roll', false],
        ['LZY-02', 'roll', false],
        ['LZY-03', 'roll', true],
      ],
    );
  });

  test('refused with the reason and the fix: a server down, mixed releases, too old, not newer', () => {
    const down = preflightUpgrade(cluster, [...healthy().slice(0, 2), host(3, 'down')], target);
    assert.match(
      down.refusals.map((r) => `${r.host}: ${r.message}`).join('\n'),
      /LZY-03: the server is down, and not left so by an upgrade/,
    );
    assert.match(down.refusals.map((r) => r.message).join('\n'), /no server leads/);

    const mixed = preflightUpgrade(
      cluster,
      [host(1, 'follower', {}, '3.4.8'), host(2, 'leader'), host(3, 'follower')],
      target,
    );
    assert.match(
      mixed.refusals[0]?.message ?? '',
      /different releases: 3\.4\.8 on LZY-01; 3\.4\.9 on LZY-02, LZY-03/,
    );

    const old = preflightUpgrade(cluster, [host(1, 'leader', {}, '3.4.5')], target);
    assert.match(old.refusals[0]?.message ?? '', /need 3\.4\.6 or later; the servers run 3\.4\.5/);
    assert.match(old.refusals[0]?.fix ?? '', /3\.4\.14/);

    const same = preflightUpgrade(cluster, [host(1, 'leader', {}, '3.8.0')], target);
    assert.equal(same.refusals[0]?.badInput, true);
    assert.match(same.refusals[0]?.message ?? '', /the same release/);
    const older = preflightUpgrade(cluster, [host(1, 'leader', {}, '3.9.1')], target);
    assert.match(older.refusals[0]?.fix ?? '', /zkdeploy rollback/);
  });

  test("what the target needs: the four-letter words zkdeploy asks, the AdminServer's port, disk for the archive", () => {
    const words = preflightUpgrade(
      { ...cluster, settings: { '4lw.commands.whitelist': 'srvr,ruok' } },
      healthy(),
      target,
    );
    assert.match(words.refusals[0]?.message ?? '', /leaves out mntr/);
    assert.equal(words.refusals[0]?.badInput, true);
    assert.deepEqual(
      preflightUpgrade({ ...cluster, settings: { '4lw.commands.whitelist': '*' } }, healthy(), target)
        .refusals,
      [],
    );

    const adminOn = { ...cluster, settings: { 'admin.enableServer': 'true' } };
    const taken = preflightUpgrade(
      adminOn,
      [host(1, 'leader', { listening: new Set([2181, 8080]) })],
      target,
    );
    assert.match(taken.refusals[0]?.message ?? '', /port 8080 is taken here/);
    assert.deepEqual(
      preflightUpgrade(cluster, [host(1, 'leader', { listening: new Set([8080]) })], target).refusals,
      [],
    );

    const full = preflightUpgrade(cluster, [host(1, 'leader', { freeKiB: 1024, logKiB: 4096 })], target);
    assert.match(
      full.refusals[0]?.message ?? '',
      /1 MiB free beside ~\/zookeeper\/logs; archiving its data needs 68 MiB/,
    );
  });

  test('a re-run: a host the last run switched and left down starts first; one on the target is done', () => {
    const record = { to: 'apache-zookeeper-3.8.0-bin' } as UpgradeRecord;
    const switched = { zookeeperHome: '/home/admin/zookeeper/apache-zookeeper-3.8.0-bin', record };
    const result = preflightUpgrade(
      cluster,
      [host(1, 'follower', switched, '3.8.0'), host(2, 'down', switched), host(3, 'leader')],
      target,
    );
    assert.deepEqual(result.refusals, []);
    assert.deepEqual(
      result.hosts.map((h) => h.action),
      ['done', 'start', 'roll'],
    );
  });

  test('the hosts differ from the inventory: install first, an upgrade changes the release only', () => {
    const drifted = healthy();
    (drifted[0] as PreflightHost).unexpectedChanges = ['myid'];
    assert.match(preflightUpgrade(cluster, drifted, target).refusals[0]?.fix ?? '', /zkdeploy install first/);
  });
});

const record: UpgradeRecord = {
  from: 'zookeeper-3.4.9',
  to: 'apache-zookeeper-3.8.0-bin',
  fromVersion: '3.4.9',
  toVersion: '3.8.0',
  zxid: '0x10000003c',
  dataArchive: '/home/admin/zookeeper/data.zxid-0x10000003c',
  logArchive: '/home/admin/zookeeper/logs.zxid-0x10000003c',
  at: '2026-12-02T06:17:45.995Z',
};

describe('rollback preflight', () => {
  const on38 = (over: Partial<UpgradeFacts> = {}) =>
    facts({ zookeeperHome: '/home/admin/zookeeper/apache-zookeeper-3.8.0-bin', record, ...over });
  const row = (n: number, mode: string) => ({ name: `LZY-0${n}`, myid: n, mode, version: '3.8.0' });

  test('the upgrade record survives its own text; a damaged one is none', () => {
    assert.deepEqual(parseRecord(formatRecord(record)), record);
    assert.equal(parseRecord('from=zookeeper-3.4.9\n'), undefined);
  });

  test('every host rolls back the way it came; one already back and down is started', () => {
    const result = preflightRollback(cluster, [
      { name: 'LZY-01', status: row(1, 'follower'), facts: on38() },
      { name: 'LZY-02', status: row(2, 'leader'), facts: on38() },
      {
        name: 'LZY-03',
        status: row(3, 'down'),
        facts: on38({ zookeeperHome: '/home/admin/zookeeper/zookeeper-3.4.9' }),
      },
    ]);
    assert.deepEqual(result.refusals, []);
    assert.equal(result.quorum, true);
    assert.deepEqual(
      result.hosts.map((h) => h.action),
      ['roll', 'roll', 'start'],
    );
  });

  test('no record, records that disagree, or a record naming archives elsewhere: refused', () => {
    const none = preflightRollback(cluster, [{ name: 'LZY-01', status: row(1, 'leader'), facts: facts() }]);
    assert.match(none.refusals[0]?.message ?? '', /no upgrade record here/);
    const other = { ...record, to: 'apache-zookeeper-3.9.1-bin' };
    const disagree = preflightRollback(cluster, [
      { name: 'LZY-01', status: row(1, 'leader'), facts: on38() },
      { name: 'LZY-02', status: row(2, 'follower'), facts: on38({ record: other }) },
    ]);
    assert.match(
      disagree.refusals[0]?.message ?? '',
      /its upgrade record says zookeeper-3\.4\.9 → apache-zookeeper-3\.9\.1-bin/,
    );
    const elsewhere = { ...record, dataArchive: '/home/admin' };
    const bad = preflightRollback(cluster, [
      { name: 'LZY-01', status: row(1, 'leader'), facts: on38({ record: elsewhere }) },
    ]);
    assert.match(bad.refusals[0]?.message ?? '', /not where an upgrade puts them; refusing to use it/);
  });
});

describe('archives', () => {
  test('hard links for the data, real copies of transaction logs, an existing archive kept; paths quoted', () => {
    const command = archiveCommand("/data/zk's", '/data/zk.zxid-0x1', 'before upgrading');
    assert.match(command, /^src='\/data\/zk'\\''s'$/m);
    assert.match(command, /cp -a --link/);
    assert.match(command, /-name 'log\.\*'.*cp -p --sparse=always/);
    assert.match(command, /if \[ -f "\$dst\/\.zkdeploy-archive" \]; then echo kept; exit 0; fi/);
  });

  test('a restore moves what is there aside and never deletes it', () => {
    const command = restoreCommand('/d/data', '/d/data.zxid-0x1', '/d/data.zxid-0x9', 'set aside');
    assert.match(command, /mv -- "\$dir" "\$aside"/);
    assert.doesNotMatch(command.replace('rm -rf -- "$staged"', ''), /rm -rf/);
  });

  test('run for real: the archive comes back, what was there is set aside stamped, a name taken is never overwritten', () => {
    const root = mkdtempSync(join(tmpdir(), 'zkdeploy-swap-'));
    try {
      const [dir, archive, aside] = ['data', 'data.zxid-0x1', 'data.zxid-0x9'].map((n) => join(root, n)) as [
        string,
        string,
        string,
      ];
      for (const [d, what] of [
        [dir, 'now'],
        [archive, 'archived'],
        [aside, 'left by a cut run'],
      ] as const) {
        mkdirSync(join(d, 'version-2'), { recursive: true });
        writeFileSync(join(d, 'version-2', 'log.1'), what);
      }
      writeFileSync(join(archive, '.zkdeploy-archive'), 'archive\n');
      const run = spawnSync('bash', ['-c', restoreCommand(dir, archive, aside, 'set aside')], {
        encoding: 'utf8',
      });
      assert.equal(run.status, 0, run.stderr);
      assert.equal(readFileSync(join(dir, 'version-2', 'log.1'), 'utf8'), 'archived');
      assert.equal(existsSync(join(dir, '.zkdeploy-archive')), false, 'the stamp came along');
      assert.equal(readFileSync(join(aside, 'version-2', 'log.1'), 'utf8'), 'left by a cut run');
      const setAside = run.stdout.trim();
      assert.match(setAside, /data\.zxid-0x9\.\d+$/);
      assert.equal(readFileSync(join(setAside, 'version-2', 'log.1'), 'utf8'), 'now');
      assert.equal(readFileSync(join(setAside, '.zkdeploy-archive'), 'utf8'), 'set aside\n');
      assert.equal(readFileSync(join(archive, 'version-2', 'log.1'), 'utf8'), 'archived', 'the archive kept');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('mixed releases', () => {
  const rows = [
    { name: 'LZY-01', release: 'apache-zookeeper-3.8.0-bin' },
    { name: 'LZY-02', release: 'zookeeper-3.4.9' },
    { name: 'LZY-03', release: 'zookeeper-3.4.9' },
    { name: 'LZY-04', release: undefined },
  ];
  test('drift outside an upgrade, named on the odd one out; nothing while one rolls', () => {
    const drift = mixedReleases(rows, undefined);
    assert.equal(drift[0]?.host, 'LZY-01');
    assert.match(
      drift[0]?.message ?? '',
      /mixed releases outside an upgrade: apache-zookeeper-3\.8\.0-bin on LZY-01; zookeeper-3\.4\.9 on LZY-02, LZY-03/,
    );
    assert.deepEqual(mixedReleases(rows, 'upgrade'), []);
    assert.deepEqual(mixedReleases(rows.slice(1), undefined), []);
  });
});

describe('release switch', () => {
  const profileStep = (before: string, after: string) => ({
    id: 'profile',
    title: 'profile',
    change: true,
    reason: 'content differs',
    actions: [],
    file: { path: '/home/admin/.bash_profile', before, after },
  });
  const block = (home: string) => `# BEGIN zkdeploy\nZOOKEEPER_HOME=${home}\n# END zkdeploy\n`;
  test('a profile moving ZOOKEEPER_HOME to another release is a switch; a first install or the same release is not', () => {
    assert.deepEqual(
      releaseSwitch([profileStep(block('/h/zk/apache-zookeeper-3.8.0-bin'), block('/h/zk/zookeeper-3.4.9'))]),
      { from: 'apache-zookeeper-3.8.0-bin', to: 'zookeeper-3.4.9' },
    );
    assert.equal(releaseSwitch([profileStep('', block('/h/zk/zookeeper-3.4.9'))]), undefined);
    assert.equal(
      releaseSwitch([
        profileStep(`export X=1\n${block('/h/zk/zookeeper-3.4.9')}`, block('/h/zk/zookeeper-3.4.9')),
      ]),
      undefined,
    );
  });
});

describe('a data swap judged before any server stops', () => {
  const record = {
    from: 'zookeeper-3.4.9',
    to: 'apache-zookeeper-3.8.0-bin',
    fromVersion: '3.4.9',
    toVersion: '3.8.0',
    zxid: '0x100000005',
    dataArchive: '/home/admin/zookeeper/data.zxid-0x100000005',
    logArchive: '/home/admin/zookeeper/logs.zxid-0x100000005',
    at: '2026-12-07T00:00:00Z',
  };
  const place = (real: string, over: { symlink?: boolean; mount?: boolean; innerMount?: boolean } = {}) => ({
    real,
    symlink: false,
    mount: false,
    innerMount: false,
    ...over,
  });
  const judge = (over: Partial<UpgradeFacts>, command: 'restore' | 'rollback' = 'rollback') =>
    judgeDataSwap('LZY-02', facts({ record, ...over }), cluster, {
      command,
      archives: command === 'rollback',
    }).map((r) => r.message);

  test('plain directories side by side, archives and release there: nothing refused', () => {
    assert.deepEqual(judge({}), []);
    assert.deepEqual(judge({}, 'restore'), []);
  });

  test('a mount point, a symlink, one directory inside the other: each named', () => {
    const [mount] = judge({
      placement: {
        dataDir: place('/home/admin/zookeeper/data', { mount: true }),
        dataLogDir: place('/home/admin/zookeeper/logs'),
      },
    });
    assert.match(
      mount ?? '',
      /^dataDir \/home\/admin\/zookeeper\/data is a mount point: rollback moves it aside/,
    );
    const [link] = judge({
      placement: {
        dataDir: place('/home/admin/zookeeper/data'),
        dataLogDir: place('/srv/zklogs', { symlink: true }),
      },
    });
    assert.match(link ?? '', /^dataLogDir \/home\/admin\/zookeeper\/logs is a symlink to \/srv\/zklogs/);
    // Nested through a symlink: judged on the real paths.
    const [nested] = judge({
      placement: { dataDir: place('/srv/zk'), dataLogDir: place('/srv/zk/logs', { symlink: true }) },
    }).filter((m) => m.includes('inside'));
    assert.match(
      nested ?? '',
      /^dataLogDir \/srv\/zk\/logs lies inside dataDir \/srv\/zk: moving dataDir aside/,
    );
    // A symlink to another disk is said as a symlink, not as the mount point its target is.
    const [both] = judge({
      placement: {
        dataDir: place('/data/zk', { symlink: true, mount: true }),
        dataLogDir: place('/home/admin/zookeeper/logs'),
      },
    });
    assert.match(both ?? '', /is a symlink to \/data\/zk/);
    const [inner] = judge({
      placement: {
        dataDir: place('/home/admin/zookeeper/data', { innerMount: true }),
        dataLogDir: place('/home/admin/zookeeper/logs'),
      },
    });
    assert.match(inner ?? '', /^dataDir \/home\/admin\/zookeeper\/data\/version-2 is a mount point/);
    // The same directory for both is no nesting.
    assert.deepEqual(judge({ placement: { dataDir: place('/srv/zk'), dataLogDir: place('/srv/zk') } }), []);
  });

  test('an archive without its stamp, or a ZOOKEEPER_HOME with no release: refused', () => {
    assert.match(
      judge({ present: new Set(['logArchive', 'from', 'to', 'zookeeperHome']) }).join('\n'),
      /the archive the upgrade made, \/home\/admin\/zookeeper\/data\.zxid-0x100000005, is gone/,
    );
    assert.match(
      judge({ present: new Set(['dataArchive', 'logArchive']), zookeeperHome: '/x' }, 'restore').join('\n'),
      /ZOOKEEPER_HOME \/x in ~\/\.bash_profile has no bin\/zkServer\.sh/,
    );
  });
});
