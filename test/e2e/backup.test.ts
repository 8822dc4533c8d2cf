// Backup and restore on the lab's release: a tree (nested znodes with data, sequential children, a
// read-only ACL, an ephemeral node) backed up while a client writes, then removed and other data
// written, then restored: the same tree on every server, the ephemeral gone with its session, every
// write acknowledged before the backup there. A backup with one damaged file, or a restore without
// a terminal to confirm on, changes nothing; --keep removes only older backups. And a backup
// restored after the data was purged and the ensemble installed afresh.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { stripVTControlCharacters } from 'node:util';
import { gunzipSync, gzipSync } from 'node:zlib';
import zookeeper from 'node-zookeeper-client';
import { within } from '../../src/timing.js';
import { labSuite, zkdeploy } from '../helpers/cli.js';
import { asAdmin, hostIp, hostNumbers, inHost, labTarball, lzyHosts, requireLab } from '../helpers/lab.js';
import { childrenOnEachServer, startLiveWriter } from '../helpers/live-writer.js';
import { repoRoot } from '../helpers/paths.js';
import { zkdeployInTerminal } from '../helpers/terminal.js';
import { until } from '../helpers/wait.js';
import { zkClient } from '../helpers/zk-client.js';
import {
  existsOnEachServer,
  readTree,
  removeTree,
  treeOnEachServer,
  writeSampleTree,
} from '../helpers/znode-tree.js';

const inventory = join(repoRoot, 'inventories', 'lzy.yaml');
const jvms = () => hostNumbers().map((n) => inHost(n, 'pgrep -u admin -f QuorumPeerMain || true').trim());
const staged = () =>
  hostNumbers().filter(
    (n) => asAdmin(n, 'ls -d ~/zookeeper/*.zkdeploy-restore 2>/dev/null || true').trim() !== '',
  );

/** Creates sequential znodes every 50 ms through one server until stopped, a new session whenever one fails. */
function writeAllAlong(server: string, prefix: string): { stop: () => Promise<number> } {
  let stopped = false;
  let written = 0;
  const done = (async () => {
    while (!stopped) {
      let client: Awaited<ReturnType<typeof zkClient>> | undefined;
      try {
        client = await zkClient([server]);
        while (!stopped) {
          const session = client;
          const created = await within(
            new Promise<boolean>((res, rej) =>
              session.create(prefix, Buffer.from('x'), zookeeper.CreateMode.PERSISTENT_SEQUENTIAL, (e) =>
                e ? rej(e) : res(true),
              ),
            ),
            2000,
          );
          if (!created) throw new Error('no answer in 2 s');
          written++;
          await new Promise((r) => setTimeout(r, 50));
        }
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      } finally {
        client?.close();
      }
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await done;
      return written;
    },
  };
}

describe('backup and restore', () => {
  const { run, cwd } = labSuite();

  test('a tree backed up under a live writer, removed, restored: the same tree on every server, the ephemeral gone, no acknowledged write lost; restored again after a purge', async (t) => {
    if (!requireLab(t)) return;
    assert.equal((await run('install', '-i', inventory, '-t', labTarball(), '--start')).code, 0);
    const client = await zkClient(hostNumbers().map((n) => `${hostIp(n)}:2181`));
    t.after(() => client.close());
    await writeSampleTree(client, '/app');
    const before = await readTree(client, '/app');
    assert.equal(before.get('/app/lock')?.ephemeral, true);

    const writer = await startLiveWriter('/backup-writes');
    t.after(() => writer.close());
    await until(() => writer.acked().length > 40, 'the writer to get going', 10_000);
    const ackedBefore = writer.acked();
    const out = join(cwd, 'backups');
    for (const n of hostNumbers()) inHost(n, 'touch /tmp/.zk-before-backup');
    await new Promise((r) => setTimeout(r, 1100)); // a file written next is newer to the second
    const backup = await run('backup', '-o', out);
    await until(() => writer.acked().length > ackedBefore.length + 40, 'the writer to go on', 10_000);
    const report = await writer.stop();
    assert.equal(backup.code, 0, backup.stdout + backup.stderr);
    assert.deepEqual(report.failed, [], 'a write failed while the backup ran');
    const dir = /^backup: (\S+)$/m.exec(backup.stdout)?.[1] ?? '';
    assert.match(dir, /\/lzy-\d{8}T\d{6}-0x[0-9a-f]+$/);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    assert.equal(manifest.ephemeral, 1, 'the held lock is in the backup, as ephemeral');
    assert.ok(manifest.files.some((f: { name: string }) => f.name.startsWith('log.')));
    assert.deepEqual(staged(), [], 'backup wrote on a host');
    // Streamed, not copied: no file written on any host but ZooKeeper's own (its logs, its server log).
    for (const n of hostNumbers())
      assert.deepEqual(
        inHost(n, 'find /home/admin /tmp /var/tmp -newer /tmp/.zk-before-backup -type f')
          .split('\n')
          .filter(
            (f) => f && !/^\/home\/admin\/zookeeper\/(logs|data)\/version-2\/log\.|\/server-logs\//.test(f),
          ),
        [],
        `a file written on LZY-0${n} while the backup ran`,
      );

    // One flipped byte in one stored file, gzipped again (gzip's own check passes; ZooKeeper would
    // load it, as the byte is in the log's padding): refused before anything stops (exit 3).
    const damaged = join(cwd, 'damaged');
    cpSync(dir, damaged, { recursive: true });
    const log = manifest.files.find((f: { name: string }) => f.name.startsWith('log.')).name;
    const gz = join(damaged, 'files', `${log}.gz`);
    const bytes = gunzipSync(readFileSync(gz));
    bytes[bytes.length - 100] = 1;
    writeFileSync(gz, gzipSync(bytes));
    const running = jvms();
    const refused = await run('restore', damaged, '--yes');
    assert.equal(refused.code, 3, refused.stdout + refused.stderr);
    assert.match(refused.stderr, new RegExp(`${log}\\.gz: .*\\n.*the backup is damaged: use another backup`));
    assert.deepEqual(jvms(), running, 'a server was stopped for a damaged backup');
    assert.deepEqual(staged(), []);

    // Without a terminal and without --yes: a usage error, nothing staged or stopped.
    const unconfirmed = await run('restore', dir);
    assert.equal(unconfirmed.code, 64, unconfirmed.stdout + unconfirmed.stderr);
    assert.match(unconfirmed.stderr, /no terminal to confirm on/);
    assert.deepEqual(jvms(), running);

    const dry = await run('restore', dir, '--dry-run');
    assert.equal(dry.code, 2, dry.stdout + dry.stderr);
    assert.match(dry.stdout, /^restore .*\n {2}backup of lzy from LZY-0\d/m);
    assert.deepEqual(jvms(), running, 'the dry run stopped a server');
    assert.deepEqual(staged(), []);

    // What would stop the swap halfway is found while every server serves: LZY-02's dataDir a mount
    // point, LZY-04's dataLogDir a symlink, LZY-05's ZOOKEEPER_HOME edited to nothing there.
    inHost(2, 'mount --bind /home/admin/zookeeper/data /home/admin/zookeeper/data');
    asAdmin(4, 'mv ~/zookeeper/logs ~/zookeeper/logs.real && ln -s ~/zookeeper/logs.real ~/zookeeper/logs');
    asAdmin(
      5,
      "cp -p ~/.bash_profile ~/.bash_profile.saved && sed -i 's|^ZOOKEEPER_HOME=.*|ZOOKEEPER_HOME=/home/admin/zookeeper/gone|' ~/.bash_profile",
    );
    const unsafe = await run('restore', dir, '--yes');
    inHost(2, 'umount /home/admin/zookeeper/data');
    asAdmin(4, 'rm ~/zookeeper/logs && mv ~/zookeeper/logs.real ~/zookeeper/logs');
    asAdmin(5, 'mv ~/.bash_profile.saved ~/.bash_profile');
    assert.equal(unsafe.code, 1, unsafe.stdout + unsafe.stderr);
    assert.match(
      unsafe.stdout,
      /LZY-02: dataDir \/home\/admin\/zookeeper\/data is a mount point: restore moves it aside/,
    );
    assert.match(
      unsafe.stdout,
      /LZY-04: dataLogDir \/home\/admin\/zookeeper\/logs is a symlink to \/home\/admin\/zookeeper\/logs\.real/,
    );
    assert.match(
      unsafe.stdout,
      /LZY-05: ZOOKEEPER_HOME \/home\/admin\/zookeeper\/gone in ~\/\.bash_profile has no bin\/zkServer\.sh/,
    );
    assert.match(unsafe.stderr, /restore refused: 3 preflight checks failed; nothing was changed/);
    assert.deepEqual(jvms(), running, 'a refused restore stopped a server');
    assert.deepEqual(staged(), []);

    // What happens after the backup: the lock's session ends, the tree is removed, other data written.
    client.close();
    const other = await zkClient([`${hostIp(2)}:2181`]);
    t.after(() => other.close());
    await removeTree(other, '/app');
    await new Promise<void>((res, rej) =>
      other.create('/other', Buffer.from('x'), (e) => (e ? rej(e) : res())),
    );
    other.close();

    // In a terminal it asks first: declined, nothing stops; typed, the restore runs.
    const declined = await zkdeployInTerminal(
      ['restore', dir],
      [{ prompt: /Type "restore" to stop every server and restore zxid 0x[0-9a-f]+:/, answer: 'no' }],
      { cwd },
    );
    assert.equal(declined.code, 64, declined.output);
    assert.match(declined.output, /restore not confirmed: nothing was changed/);
    assert.deepEqual(jvms(), running, 'a declined restore stopped a server');
    assert.deepEqual(staged(), []);
    const typed = await zkdeployInTerminal(
      ['restore', dir],
      [{ prompt: /Type "restore" to stop every server/, answer: 'restore' }],
      { cwd },
    );
    const restored = { code: typed.code, stdout: stripVTControlCharacters(typed.output).replace(/\r/g, '') };
    assert.equal(restored.code, 0, restored.stdout);
    for (const host of lzyHosts)
      assert.match(
        restored.stdout,
        new RegExp(`^  ${host}: zxid 0x[0-9a-f]+ ≥ ${manifest.zxid}; \\d+ znodes as in the backup`, 'm'),
      );
    assert.match(restored.stdout, /1 ephemeral znodes came back with their sessions/);

    const persistent = new Map([...before].filter(([, z]) => !z.ephemeral));
    for (const [server, tree] of await treeOnEachServer('/app')) {
      assert.deepEqual(
        new Map([...tree].filter(([, z]) => !z.ephemeral)),
        persistent,
        `the tree on ${server}`,
      );
    }
    assert.deepEqual(await existsOnEachServer('/other'), [false, false, false, false, false]);
    for (const [server, children] of await childrenOnEachServer('/backup-writes')) {
      assert.deepEqual(
        ackedBefore.filter((name) => !children.has(name)),
        [],
        `a write acknowledged before the backup is missing on ${server}`,
      );
    }
    await until(
      async () => (await existsOnEachServer('/app/lock')).every((found) => !found),
      'the ephemeral node to go with its session',
      40_000,
    );
    for (const n of hostNumbers()) {
      assert.match(
        asAdmin(n, 'cat ~/zookeeper/data.zxid-*/.zkdeploy-archive'),
        /set aside by a restore of zxid/,
      );
      assert.match(asAdmin(n, 'cat ~/zookeeper/data/myid').trim(), new RegExp(`^${n}$`));
    }
    const status = await run('status');
    assert.equal(status.code, 0, status.stdout);
    assert.match(status.stdout, /disk free/);

    // --keep 2: the two newest backups stay; a directory that is not a backup is never touched.
    mkdirSync(join(out, 'notes'));
    writeFileSync(join(out, 'notes', 'todo.txt'), 'keep me');
    let newest = '';
    for (let i = 0; i < 2; i++) {
      await new Promise((r) => setTimeout(r, 1100));
      const again = await run('backup', '-o', out, '--keep', '2');
      assert.equal(again.code, 0, again.stdout + again.stderr);
      newest = /^backup: (\S+)$/m.exec(again.stdout)?.[1] ?? '';
    }
    const left = readdirSync(out).sort();
    assert.equal(left.filter((name) => name.startsWith('lzy-')).length, 2, left.join(' '));
    assert.ok(!left.includes(dir.split('/').pop() ?? ''), 'the oldest backup was kept');
    assert.equal(readFileSync(join(out, 'notes', 'todo.txt'), 'utf8'), 'keep me');

    // The data purged (uninstall --purge-data), the ensemble installed afresh and other data written:
    // the newest backup brings the tree back into it.
    const purged = await run('uninstall', '--purge-data', '--yes');
    assert.equal(purged.code, 0, purged.stdout + purged.stderr);
    for (const n of hostNumbers())
      assert.equal(
        asAdmin(n, 'ls -d ~/zookeeper/data* 2>/dev/null || true').trim(),
        '',
        `data left on LZY-0${n}`,
      );
    assert.equal((await run('install', '-i', inventory, '-t', labTarball(), '--start')).code, 0);
    const fresh = await zkClient([`${hostIp(3)}:2181`]);
    t.after(() => fresh.close());
    await new Promise<void>((res, rej) =>
      fresh.create('/fresh', Buffer.from('y'), (e) => (e ? rej(e) : res())),
    );
    fresh.close();
    // And an application that comes straight back: writing through LZY-01 all along, a new session
    // whenever one fails. What it writes once the restored ensemble serves is not the restore's
    // doing: the proof counts it apart and passes.
    const late = writeAllAlong(`${hostIp(1)}:2181`, '/late-');
    const intoPurged = await run('restore', newest, '--yes');
    const lateWrites = await late.stop();
    assert.equal(intoPurged.code, 0, intoPurged.stdout + intoPurged.stderr);
    assert.match(intoPurged.stdout, /changes by clients since the restore, e\.g\. \/late-\d+: created since/);
    assert.ok(lateWrites > 0);
    for (const [server, tree] of await treeOnEachServer('/app'))
      assert.deepEqual(tree, persistent, `the tree on ${server} after a purge`);
    assert.deepEqual(await existsOnEachServer('/fresh'), [false, false, false, false, false]);
  });

  test('restore killed as its swap begins on LZY-03 (a dead laptop): start refuses, naming it; restore again converges', async (t) => {
    if (!requireLab(t)) return;
    const out = join(cwd, 'backups');
    const newest = readdirSync(out)
      .filter((name) => name.startsWith('lzy-'))
      .sort()
      .map((name) => join(out, name))
      .at(-1) as string;
    const killed = await zkdeploy(['restore', newest, '--yes'], {
      cwd,
      env: { ZKDEPLOY_TEST_KILL_AT: 'restore@LZY-03' },
    });
    assert.equal(killed.code, null, `not killed: ${killed.stdout}${killed.stderr}`);
    assert.equal(jvms().filter(Boolean).length, 0, 'every server stopped before the swap');
    // The first look after a dead laptop: what it was doing, kept on the hosts (its lock, its marks).
    const looked = await run('status');
    assert.equal(looked.code, 2, looked.stdout + looked.stderr);
    assert.match(
      looked.stdout,
      /LZY-01, LZY-02, LZY-03, LZY-04, LZY-05: `zkdeploy restore` \(pid \d+, since [^)]+\) ended without finishing here \(killed\?\)/,
    );
    // Each host's journal says where it stopped there.
    assert.match(looked.stdout, /LZY-03: its last step here: restore, begun \d\d:\d\d:\d\d, not ended/);
    const started = await run('start');
    assert.equal(started.code, 1, started.stdout + started.stderr);
    assert.match(
      started.stdout,
      /LZY-03: restore of zxid 0x[0-9a-f]+ from lzy-[\w.-]+ began .*: a server started with its data half swapped could win/,
    );
    assert.equal(jvms().filter(Boolean).length, 0, 'a refused start started a server');
    // Not even a forced restart: the swapping command is the one to start them.
    const forced = await run('restart', '--force');
    assert.equal(forced.code, 1, forced.stdout + forced.stderr);
    assert.match(forced.stderr, /restart refused: a data swap is under way \(LZY-01: restore of zxid/);
    assert.equal(jvms().filter(Boolean).length, 0, 'a refused restart started a server');
    // status and plan say what the killed run left, and answer no.
    for (const look of ['status', 'plan']) {
      const said = await run(look);
      assert.equal(said.code, 2, said.stdout + said.stderr);
      assert.match(said.stdout, /LZY-01: a data swap under way \(restore of zxid 0x[0-9a-f]+ from /, look);
    }
    const again = await run('restore', newest, '--yes');
    assert.equal(again.code, 0, again.stdout + again.stderr);
    for (const [server, tree] of await treeOnEachServer('/app'))
      assert.ok(tree.size > 0, `the tree on ${server} after the restore that continued`);
    for (const n of hostNumbers())
      assert.equal(
        asAdmin(n, 'ls ~/zookeeper/.zkdeploy-swap 2>/dev/null || true').trim(),
        '',
        `LZY-0${n} marked`,
      );
    assert.equal((await run('status')).code, 0);
  });
});
