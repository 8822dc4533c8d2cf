import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { comparedCount, compareTrees, type SeenZnode } from '../../src/backup/compare.js';

const treeDifferences = (...args: Parameters<typeof compareTrees>) => compareTrees(...args).differences;

import { FORMAT, type Manifest, readManifest, readStored, sha256 } from '../../src/backup/manifest.js';
import { pruneBackups } from '../../src/backup/prune.js';
import { restorePreflight } from '../../src/backup/restore-preflight.js';
import { nestedDirs, swapInCommand, unpackCommand } from '../../src/backup/seed.js';
import { chooseSource } from '../../src/backup/take.js';
import { treeOfFiles } from '../../src/backup/tree-of.js';
import { ZkdeployError } from '../../src/errors.js';
import type { ClusterSettings } from '../../src/inventory/types.js';
import { diskIsLow, formatDiskFree, parseDf } from '../../src/ops/disk-free.js';
import type { UpgradeFacts } from '../../src/upgrade/host-state.js';
import { isEphemeral, ZnodeTree } from '../../src/zk/data-tree.js';
import { readSnapshot, snapshotSealed } from '../../src/zk/snapshot.js';
import { repoRoot } from '../helpers/paths.js';

const fixtures = join(repoRoot, 'test', 'fixtures', 'zookeeper-3.4.9');
const fixture = (name: string) => readFileSync(join(fixtures, name));

describe('ZooKeeper 3.4.9 files (a snapshot and two transaction logs the lab wrote)', () => {
  const tree = treeOfFiles('snapshot.10000000d', fixture('snapshot.10000000d'), [
    fixture('log.100000001'),
    fixture('log.200000001'),
  ]);

  test('the snapshot plus the logs after it: the last zxid, data, ACLs, versions, the ephemeral and its session', () => {
    assert.equal(tree.zxid, 0x200000016n);
    assert.equal(tree.nodes.get('/app/a')?.data.toString(), 'level a');
    assert.equal(tree.nodes.get('/app/a')?.version, 1);
    assert.equal(tree.nodes.get('/app/a')?.mzxid, 0x100000005n);
    assert.deepEqual(tree.nodes.get('/more/locked')?.acl, [{ perms: 1, scheme: 'world', id: 'anyone' }]);
    assert.ok(tree.nodes.has('/more/q/item-0000000001'));
    const eph = tree.nodes.get('/more/eph');
    assert.ok(eph && isEphemeral(eph.ephemeralOwner));
    assert.equal(tree.sessions.get(eph.ephemeralOwner), 8000);
    assert.equal(tree.ephemeralCount(), 1);
    assert.equal(comparedCount(tree.persistent()), 16, 'every znode but /zookeeper and the ephemeral');
  });

  test('log entries at or before the snapshot are not applied again; a snapshot cut short is no snapshot', () => {
    const snapshotOnly = readSnapshot(fixture('snapshot.10000000d'), 0x10000000dn);
    assert.ok(snapshotOnly.nodes.has('/app/locked'));
    assert.ok(!snapshotOnly.nodes.has('/more'));
    const cut = fixture('snapshot.10000000d').subarray(0, 700);
    assert.equal(snapshotSealed(cut), false);
    assert.throws(() => readSnapshot(cut, 0n), /not a whole ZooKeeper snapshot/);
  });
});

/** A TxnHeader and a record, as a log entry holds them. */
function entry(clientId: bigint, zxid: bigint, type: number, record: Buffer): Buffer {
  const header = Buffer.alloc(32);
  header.writeBigInt64BE(clientId, 0);
  header.writeBigInt64BE(zxid, 12);
  header.writeInt32BE(type, 28);
  return Buffer.concat([header, record]);
}
const int = (n: number) => Buffer.from([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
const str = (s: string) => Buffer.concat([int(Buffer.byteLength(s)), Buffer.from(s)]);
const openAcl = Buffer.concat([int(1), int(31), str('world'), str('anyone')]);
const create = (path: string, data: string, ephemeral = false) =>
  Buffer.concat([str(path), str(data), openAcl, Buffer.from([ephemeral ? 1 : 0]), int(0)]);

describe('replaying transactions', () => {
  test('create, a multi of create and setData, setACL; a session closing takes its ephemerals; a create over a node is passed over', () => {
    const tree = new ZnodeTree();
    tree.apply(entry(7n, 1n, 1, create('/a', 'one')));
    tree.apply(entry(7n, 2n, 1, create('/a', 'ignored')));
    const setData = Buffer.concat([str('/a'), str('two'), int(1)]);
    const multi = Buffer.concat([
      int(2),
      int(1),
      int(create('/b', 'x').length),
      create('/b', 'x'),
      int(5),
      int(setData.length),
      setData,
    ]);
    tree.apply(entry(7n, 3n, 14, multi));
    tree.apply(entry(0x100n, 4n, 1, create('/b/lock', '', true)));
    const readOnly = Buffer.concat([str('/b'), int(1), int(1), str('world'), str('anyone'), int(1)]);
    tree.apply(entry(7n, 5n, 7, readOnly));
    assert.equal(tree.nodes.get('/a')?.data.toString(), 'two');
    assert.equal(tree.nodes.get('/a')?.version, 1);
    assert.equal(tree.nodes.get('/a')?.mzxid, 3n);
    assert.equal(tree.nodes.get('/b')?.aversion, 1);
    assert.equal(tree.ephemeralCount(), 1);
    tree.apply(entry(0x100n, 6n, -11, Buffer.alloc(0)));
    assert.equal(tree.nodes.has('/b/lock'), false);
    assert.equal(tree.zxid, 6n);
  });

  test('containers and TTL nodes are not ephemeral; a session id is', () => {
    assert.equal(isEphemeral(0n), false);
    assert.equal(isEphemeral(-0x8000000000000000n), false);
    assert.equal(isEphemeral(BigInt.asIntN(64, 0xff00000000000064n)), false);
    assert.equal(isEphemeral(0x1a23631708a0001n), true);
  });
});

describe('comparing a restored tree', () => {
  const want = new ZnodeTree();
  want.apply(entry(1n, 1n, 1, create('/a', 'one')));
  want.apply(entry(1n, 2n, 1, create('/zookeeper/config', 'server.1=…')));
  const seen = (over: Partial<SeenZnode> = {}): SeenZnode => ({
    data: Buffer.from('one'),
    acl: 'cdrwa world:anyone',
    czxid: 1n,
    mzxid: 1n,
    pzxid: 1n,
    version: 0,
    aversion: 0,
    ephemeralOwner: 0n,
    ...over,
  });

  test('the same znodes: no difference (ZooKeeper’s own /zookeeper/config and ephemerals aside)', () => {
    assert.deepEqual(
      treeDifferences(
        want.persistent(),
        new Map([
          ['/a', seen()],
          ['/e', seen({ ephemeralOwner: 0x100n })],
        ]),
      ),
      [],
    );
  });

  test('data, ACL, version, a missing and an extra znode are each named', () => {
    const differences = treeDifferences(
      want.persistent(),
      new Map([
        ['/a', seen({ data: Buffer.from('changed'), acl: 'r world:anyone', version: 3 })],
        ['/new', seen()],
      ]),
    );
    assert.deepEqual(differences, [
      '/a: data "changed", backup has "one"',
      '/a: ACL r world:anyone, backup has cdrwa world:anyone',
      '/a: version 3, backup has 0',
      '/new: not in the backup',
    ]);
    assert.deepEqual(treeDifferences(want.persistent(), new Map()), ['/a: missing']);
  });

  test("what clients changed after the restore (zxids past the backup's) is counted apart, not as a difference", () => {
    const restoredAt = 2n;
    const tree = new ZnodeTree();
    tree.apply(entry(1n, 1n, 1, create('/a', 'one')));
    tree.apply(entry(1n, 2n, 1, create('/a/gone', 'x')));
    const after = compareTrees(
      tree.persistent(),
      new Map([
        ['/a', seen({ data: Buffer.from('new'), mzxid: 0x100000001n, version: 1, pzxid: 0x100000003n })],
        ['/b', seen({ czxid: 0x100000002n, mzxid: 0x100000002n })],
      ]),
      [],
      restoredAt,
    );
    assert.deepEqual(after, {
      differences: [],
      changedSince: ['/a: changed since', '/a/gone: deleted since', '/b: created since'],
    });
    // Without the restore's zxid, or with changes at or before it, each is a difference.
    const before = compareTrees(
      tree.persistent(),
      new Map([
        ['/a', seen({ pzxid: 2n })],
        ['/b', seen({ czxid: 2n, mzxid: 2n })],
      ]),
      [],
      restoredAt,
    );
    assert.deepEqual(before.differences, ['/a/gone: missing', '/b: not in the backup']);
    assert.deepEqual(before.changedSince, []);
  });

  test('below a znode an unauthenticated client may not read, nothing is missing; the znode itself is compared', () => {
    const locked = new ZnodeTree();
    locked.apply(entry(1n, 1n, 1, create('/a', 'one')));
    locked.apply(entry(1n, 2n, 1, create('/a/hidden', 'x')));
    const byStat = new Map([['/a', seen({ data: undefined, acl: undefined })]]);
    assert.deepEqual(treeDifferences(locked.persistent(), byStat, ['/a']), []);
    assert.deepEqual(treeDifferences(locked.persistent(), byStat), ['/a/hidden: missing']);
    assert.deepEqual(treeDifferences(locked.persistent(), new Map([['/a', seen({ version: 2 })]]), ['/a']), [
      '/a: version 2, backup has 0',
    ]);
  });
});

function writeBackup(outDir: string, name: string, takenAt: string, ensemble = 'lzy'): string {
  const dir = join(outDir, name);
  mkdirSync(join(dir, 'files'), { recursive: true });
  const snapshot = fixture('snapshot.10000000d');
  writeFileSync(join(dir, 'files', 'snapshot.10000000d.gz'), gzipSync(snapshot));
  const manifest: Manifest = {
    format: FORMAT,
    ensemble,
    inventory: '/x/lzy.yaml',
    host: 'LZY-01',
    release: '3.4.9',
    zxid: '0x10000000d',
    snapshotZxid: '0x10000000d',
    takenAt,
    znodes: 9,
    ephemeral: 0,
    files: [{ name: 'snapshot.10000000d', size: snapshot.length, sha256: sha256(snapshot) }],
  };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  return dir;
}

describe('backup directories', () => {
  test('a manifest that is not ours, or a stored file that differs, is bad input naming the file', () => {
    const out = mkdtempSync(join(tmpdir(), 'zkdeploy-backup-'));
    try {
      const dir = writeBackup(out, 'b1', '2026-01-01T00:00:00Z');
      const manifest = readManifest(dir);
      assert.equal(
        readStored(dir, manifest.files[0] as Manifest['files'][0]).length,
        manifest.files[0]?.size,
      );
      writeFileSync(join(dir, 'files', 'snapshot.10000000d.gz'), gzipSync(Buffer.from('other bytes')));
      assert.throws(
        () => readStored(dir, manifest.files[0] as Manifest['files'][0]),
        (err: unknown) =>
          err instanceof ZkdeployError &&
          err.exitCode === 3 &&
          /snapshot\.10000000d\.gz: its content is not what manifest\.json records/.test(err.message),
      );
      writeFileSync(
        join(dir, 'manifest.json'),
        JSON.stringify({
          ...manifest,
          files: [{ name: '../../etc/passwd', size: 1, sha256: 'a'.repeat(64) }],
        }),
      );
      assert.throws(
        () => readManifest(dir),
        /manifest\.json: it does not list exactly one snapshot|not a ZooKeeper file name/,
      );
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  test('--keep removes only older backups of the same ensemble, and leaves a directory holding anything else', () => {
    const out = mkdtempSync(join(tmpdir(), 'zkdeploy-backup-'));
    try {
      writeBackup(out, 'old', '2026-01-01T00:00:00Z');
      const older = writeBackup(out, 'older', '2025-01-01T00:00:00Z');
      writeFileSync(join(older, 'notes.txt'), 'mine');
      writeBackup(out, 'new', '2026-06-01T00:00:00Z');
      writeBackup(out, 'other-ensemble', '2020-01-01T00:00:00Z', 'prod');
      mkdirSync(join(out, 'unrelated'));
      const pruned = pruneBackups(out, 'lzy', 1);
      assert.deepEqual(pruned.removed, [join(out, 'old')]);
      assert.deepEqual(pruned.kept, [older]);
      assert.deepEqual(readdirSync(out).sort(), ['new', 'older', 'other-ensemble', 'unrelated']);
      assert.deepEqual(
        readdirSync(older).sort(),
        ['notes.txt'],
        'its backup files go, what else it holds stays',
      );
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

describe('choosing the server to back up from', () => {
  const candidate = (name: string, mode: string, zxid: string, snapshots: string[]) => ({
    status: { name, myid: 1, mode, zxid },
    snapshots,
    logs: [],
  });

  test('the highest zxid with a snapshot; of equals the newest snapshot; none serving with one: none', () => {
    const chosen = chooseSource([
      candidate('leader', 'leader', '0x10000000f', []),
      candidate('f1', 'follower', '0x10000000e', ['snapshot.0']),
      candidate('f2', 'follower', '0x10000000e', ['snapshot.0', 'snapshot.100000000']),
      candidate('down', 'down', '0x200000000', ['snapshot.200000000']),
    ]);
    assert.equal(chosen?.status.name, 'f2');
    assert.equal(chooseSource([candidate('leader', 'leader', '0x1', [])]), undefined);
  });
});

describe('host commands of a restore', () => {
  test('every path is quoted; the directory set aside is stamped; myid comes from the server’s own directory', () => {
    const swap = swapInCommand("/home/a b/data'x", "/home/a b/data'x.zxid-0x5", 'stamp; rm -rf /', true);
    assert.match(swap, /^dir='\/home\/a b\/data'\\''x'$/m);
    assert.match(swap, /printf '%s\\n' 'stamp; rm -rf \/' > "\$aside\/\.zkdeploy-archive"/);
    assert.match(swap, /cp -p -- "\$dir\/myid" "\$staged\/myid"/);
    assert.doesNotMatch(swapInCommand('/d', '/d.zxid-0x1', 's', false), /myid/);
    assert.match(unpackCommand('/d', 'log.1', 'ab'.repeat(32)), /conv=sparse/);
  });

  test('data directories one inside the other are found (a restore refuses them); side by side or equal are fine', () => {
    assert.equal(nestedDirs('/data/zk', '/data/zk/txlog'), true);
    assert.equal(nestedDirs('/data/zk/txlog/', '/data/zk'), true);
    assert.equal(nestedDirs('/data/zk', '/data/zk-logs'), false);
    assert.equal(nestedDirs('/home/a/zookeeper/data', '/home/a/zookeeper/logs'), false);
    assert.equal(nestedDirs('/d', '/d'), false);
  });
});

describe('free disk', () => {
  test('the fuller of the data directories’ file systems; low under 10% or 1 GiB', () => {
    const disk = parseDf(
      'Filesystem 1024-blocks Used Available Capacity Mounted on\n/dev/a 100000000 20000000 80000000 20% /data\n/dev/b 100000000 95000000 5000000 95% /logs dir\n',
    );
    assert.deepEqual(disk, { sizeKiB: 100000000, freeKiB: 5000000, mount: '/logs dir' });
    assert.equal(diskIsLow(disk as NonNullable<typeof disk>), true);
    assert.equal(diskIsLow({ sizeKiB: 100000000, freeKiB: 80000000, mount: '/' }), false);
    assert.equal(diskIsLow({ sizeKiB: 1000000, freeKiB: 500000, mount: '/' }), true);
    assert.equal(parseDf(''), undefined);
  });

  test('room shown in G, and in M on a disk under 1 GiB (never "0.0G")', () => {
    const shown = (freeKiB: number, sizeKiB: number) => formatDiskFree({ freeKiB, sizeKiB, mount: '/' });
    assert.equal(shown(12.3 * 1048576, 40 * 1048576), '12G of 40G');
    assert.equal(shown(3.44 * 1048576, 9 * 1048576), '3.4G of 9.0G');
    assert.equal(shown(600, 8192), '0.6M of 8.0M');
    assert.equal(shown(512 * 1024, 1048576), '512M of 1.0G');
  });
});

describe('restore preflight', () => {
  const cluster = { dataDir: '~/zookeeper/data', dataLogDir: '~/zookeeper/logs' } as ClusterSettings;
  const manifest = {
    release: '3.4.9',
    files: [{ name: 'snapshot.0', size: 1 << 20, sha256: '' }],
  } as Manifest;
  const facts = (over: Partial<UpgradeFacts> = {}): UpgradeFacts => ({
    home: '/home/admin',
    zookeeperHome: '/home/admin/zookeeper/apache-zookeeper-3.8.0-bin',
    record: undefined,
    snapshots: [],
    logs: [],
    logKiB: 0,
    freeKiB: 10 << 20,
    listening: new Set(),
    placement: {
      dataDir: { real: '/home/admin/zookeeper/data', symlink: false, mount: false, innerMount: false },
      dataLogDir: { real: '/home/admin/zookeeper/logs', symlink: false, mount: false, innerMount: false },
    },
    present: new Set(['dataArchive', 'logArchive', 'from', 'to', 'zookeeperHome']),
    swap: undefined,
    ...over,
  });

  test('a newer release on every host: nothing refused', () => {
    assert.deepEqual(restorePreflight(cluster, manifest, [{ name: 'a', facts: facts() }]), []);
  });

  test('unreached, not installed, an older release, nested directories, no room: each named with its fix', () => {
    const refusals = restorePreflight(
      { ...cluster, dataLogDir: '~/zookeeper/data/txlog' },
      { ...manifest, release: '3.8.0' },
      [
        { name: 'down', facts: undefined, error: 'connection refused' },
        { name: 'bare', facts: facts({ zookeeperHome: '' }) },
        {
          name: 'old',
          facts: facts({ zookeeperHome: '/home/admin/zookeeper/zookeeper-3.4.9', freeKiB: 10 }),
        },
      ],
    );
    const text = refusals.map((r) => `${r.host}: ${r.message}`);
    assert.deepEqual(text, [
      'down: connection refused',
      'bare: no ZooKeeper installed by zkdeploy',
      'bare: dataLogDir /home/admin/zookeeper/data/txlog and dataDir /home/admin/zookeeper/data: one lies inside the other, and a restore moves each aside whole',
      "old: runs 3.4.9, older than the backup's 3.8.0: it may not read its files",
      'old: dataLogDir /home/admin/zookeeper/data/txlog and dataDir /home/admin/zookeeper/data: one lies inside the other, and a restore moves each aside whole',
      'old: 0 MiB free beside the data, the backup needs 1 MiB',
    ]);
  });
});
