// The guide's 3.4.9 ensemble upgraded to 3.8.0 and rolled back, one server at a time, under a client
// writing throughout: no write fails, none is lost on any server; the snapshot-less data of a young
// ensemble's leader is found and handled; a server that cannot start stops the roll, and a re-run
// finishes it; a rollback that 3.4.9 cannot load restores the archives, after saying what is lost.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { assertNothingChanged, labSuite, zkdeploy } from '../helpers/cli.js';
import {
  asAdmin,
  hostIp,
  hostName,
  hostNumbers,
  inHost,
  labTarball,
  lzyHosts,
  requireLab,
} from '../helpers/lab.js';
import { childrenOnEachServer, startLiveWriter, type WriterReport } from '../helpers/live-writer.js';
import { labScript, repoRoot } from '../helpers/paths.js';
import { until } from '../helpers/wait.js';
import { srvrMode } from '../helpers/zk-client.js';

const inventory = join(repoRoot, 'inventories', 'lzy.yaml');
const old = labTarball('zookeeper-3.4.9.tar.gz');
const target = labTarball('apache-zookeeper-3.8.0-bin.tar.gz');
const modes = () => Promise.all(hostNumbers().map((n) => srvrMode(hostIp(n), 2181, 300)));
/** Each server's version as its srvr reports it, read on the host. */
const versions = () =>
  hostNumbers().map(
    (n) =>
      /Zookeeper version: ([\d.]+)/.exec(
        inHost(n, 'exec 3<>/dev/tcp/127.0.0.1/2181 && printf srvr >&3 && cat <&3 || true'),
      )?.[1] ?? 'none',
  );

/** Every acknowledged write is on every server; none failed. */
async function assertNothingLost(report: WriterReport, path: string): Promise<void> {
  assert.ok(report.acked.length > 100, `the client wrote throughout (${report.acked.length} acknowledged)`);
  assert.deepEqual(report.failed, [], 'a write failed (after the ConnectionLoss retries)');
  await until(
    async () => [...(await childrenOnEachServer(path)).values()].every((s) => s.size >= report.acked.length),
    'every server to have caught up',
    20_000,
  );
  for (const [server, children] of await childrenOnEachServer(path)) {
    assert.deepEqual(
      report.acked.filter((name) => !children.has(name)),
      [],
      `an acknowledged write is missing on ${server}`,
    );
  }
}

describe('upgrade and rollback', () => {
  const { run, cwd } = labSuite();

  test('3.4.9 → 3.8.0 and back, each under ~40 writes/s: no write fails, none is lost on any server, the leader last', async (t) => {
    if (!requireLab(t)) return;
    assert.equal((await run('install', '-i', inventory, '-t', old, '--start')).code, 0);
    const leader = hostName((await modes()).indexOf('leader') + 1);
    const writer = await startLiveWriter('/upgrade-test');
    t.after(() => writer.close());

    // A young 3.4.9 ensemble: its leader has written transaction logs and never a snapshot.
    assert.equal(
      asAdmin(Number(leader.slice(-2)), 'ls ~/zookeeper/data/version-2 | grep -c snapshot || true').trim(),
      '0',
    );
    const dry = await run('upgrade', '-t', target, '--dry-run');
    assert.equal(dry.code, 2, dry.stdout + dry.stderr);
    assert.match(dry.stdout, /^upgrade 3\.4\.9 → 3\.8\.0 \(apache-zookeeper-3\.8\.0-bin\)$/m);
    assert.match(
      dry.stdout,
      new RegExp(
        `^${leader}\\s+leader\\s+3\\.4\\.9\\s+stop, archive, switch, start\\s+none: trust\\.empty once`,
        'm',
      ),
    );
    assert.deepEqual(
      versions(),
      lzyHosts.map(() => '3.4.9'),
      'the dry run changed a server',
    );

    const upStarted = Date.now();
    const up = await run('upgrade', '-t', target);
    const upSeconds = (Date.now() - upStarted) / 1000;
    const upReport = await writer.stop();
    assert.equal(up.code, 0, up.stdout + up.stderr);
    assert.match(up.stdout, new RegExp(`^order: (LZY-0\\d → ){4}${leader} \\(leader\\)$`, 'm'));
    // Each server's turn is named as it is taken: which server, which of five, in which role.
    assert.match(up.stderr, /^LZY-0\d\s+upgrade 1\/5 \(follower\): changed/m);
    assert.match(up.stderr, new RegExp(`^${leader}\\s+upgrade 5/5 \\(leader\\): changed`, 'm'));
    assert.match(
      up.stderr,
      new RegExp(
        `${leader} .*no snapshot, only transaction logs: started once with snapshot\\.trust\\.empty=true, wrote snapshot\\.`,
      ),
    );
    assert.deepEqual(
      versions(),
      lzyHosts.map(() => '3.8.0'),
    );
    for (const n of hostNumbers()) {
      assert.equal(
        asAdmin(n, 'grep -c trust.empty ~/zookeeper/apache-zookeeper-3.8.0-bin/conf/zoo.cfg || true').trim(),
        '0',
        `${hostName(n)} kept snapshot.trust.empty`,
      );
      assert.match(asAdmin(n, 'ls ~/zookeeper'), /^zookeeper-3\.4\.9$/m, 'the old release directory is kept');
      assert.match(
        asAdmin(n, 'cat ~/zookeeper/data.zxid-*/.zkdeploy-archive'),
        /before upgrading 3\.4\.9 → 3\.8\.0; zxid 0x/,
      );
    }
    await assertNothingLost(upReport, '/upgrade-test');
    const status = await run('status');
    assert.equal(status.code, 0, status.stdout);
    assert.doesNotMatch(status.stdout, /drift/);

    const again = await run('upgrade', '-t', target);
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.match(again.stdout, /every server runs 3\.8\.0 already: nothing to do/);
    // install now means the new release (remembered), and never switches running servers back.
    const same = await run('install');
    assert.equal(same.code, 0, same.stdout + same.stderr);
    assertNothingChanged(same.stdout, lzyHosts);
    const switchBack = await run('install', '-t', old);
    assert.equal(switchBack.code, 1, switchBack.stdout + switchBack.stderr);
    assert.match(
      switchBack.stderr,
      /install refused: it would switch running servers to another release: LZY-01 \(apache-zookeeper-3\.8\.0-bin → zookeeper-3\.4\.9\)/,
    );
    assert.match(switchBack.stderr, /zkdeploy rollback/);

    const back = await startLiveWriter('/rollback-test');
    t.after(() => back.close());
    const downStarted = Date.now();
    const down = await run('rollback');
    const downSeconds = (Date.now() - downStarted) / 1000;
    const backReport = await back.stop();
    assert.equal(down.code, 0, down.stdout + down.stderr);
    assert.match(down.stdout, /^rollback 3\.8\.0 → 3\.4\.9 \(zookeeper-3\.4\.9\)$/m);
    assert.match(down.stdout, /^order: (LZY-0\d → ){4}LZY-0\d \(leader\)$/m);
    assert.deepEqual(
      versions(),
      lzyHosts.map(() => '3.4.9'),
    );
    await assertNothingLost(backReport, '/rollback-test');
    await assertNothingLost(upReport, '/upgrade-test');

    const history = JSON.parse((await run('history', '--json')).stdout) as {
      command: string;
      argv: string[];
      exitCode: number;
      inventoryDigest: string;
      hosts: { name: string; steps: { id: string; outcome: string }[] }[];
    }[];
    const upgrades = history.filter((r) => r.command === 'upgrade');
    assert.deepEqual(
      upgrades.map((r) => r.exitCode),
      [0, 0],
    );
    assert.deepEqual(upgrades[0]?.argv, ['upgrade', '-t', target]);
    assert.match(upgrades[0]?.inventoryDigest ?? '', /^[0-9a-f]{64}$/);
    assert.deepEqual(
      upgrades[0]?.hosts.map((h) => h.steps.map((s) => `${s.id}:${s.outcome}`).join(' ')),
      lzyHosts.map(() => 'stage:changed upgrade:changed'),
    );
    assert.deepEqual(
      history.map((r) => r.command),
      // The refused switch back by install (exit 1) is recorded too: every exit leaves a record.
      ['install', 'upgrade', 'upgrade', 'install', 'install', 'rollback'],
    );
    t.diagnostic(
      `upgrade: ${upSeconds.toFixed(1)} s, ${upReport.acked.length} writes, 0 failed, 0 lost, ${upReport.connectionLosses.length} ConnectionLoss retried, longest without a leader ${upReport.longestLeaderGap} ms; rollback: ${downSeconds.toFixed(1)} s, ${backReport.acked.length} writes, 0 failed, 0 lost, ${backReport.connectionLosses.length} retried, longest without a leader ${backReport.longestLeaderGap} ms`,
    );
  });

  test('a server that cannot start stops the upgrade there, with its log; a re-run finishes it', async (t) => {
    if (!requireLab(t)) return;
    assert.equal((await run('status')).code, 0);
    // The first follower in the inventory's order is the first to go: another process takes its
    // election port the moment its 3.4.9 server lets go of it, so 3.8.0 cannot bind it and exits.
    const now = await modes();
    const victim = hostNumbers().find((n) => now[n - 1] === 'follower') as number;
    const flag = `/tmp/zkdeploy-test-release-3888-${process.pid}`;
    const squatter = spawn(
      'bash',
      [
        labScript,
        'exec',
        hostName(victim),
        '--',
        'perl',
        '-MIO::Socket::INET',
        '-e',
        `for (1..1200) { my $s = IO::Socket::INET->new(LocalAddr => '${hostIp(victim)}', LocalPort => 3888, Listen => 1, ReuseAddr => 1); if ($s) { print "bound\\n"; for (1..1200) { exit 0 if -e '${flag}'; select(undef, undef, undef, 0.1) } exit 0 } select(undef, undef, undef, 0.05) }`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      const failed = await run('upgrade', '-t', target, '--timeout', '30');
      assert.equal(failed.code, 1, failed.stdout + failed.stderr);
      assert.match(failed.stdout, new RegExp(`^${hostName(victim)}\\s+\\S+\\s+failed$`, 'm'));
      assert.match(failed.stdout, new RegExp(`${hostName(victim)}: the server exited during start`));
      assert.match(
        failed.stdout,
        /last lines of the server log:[\s\S]*(BindException|Address already in use)/,
      );
      for (const name of lzyHosts.filter((h) => h !== hostName(victim)))
        assert.match(
          failed.stdout,
          new RegExp(`^${name}\\s+\\S+\\s+skipped$`, 'm'),
          'a host after the failed one was upgraded',
        );
      // The others still serve, and status says the releases are mixed outside an upgrade.
      const status = await run('status');
      assert.equal(status.code, 2, status.stdout);
      assert.match(status.stdout, /mixed releases outside an upgrade: /);
    } finally {
      inHost(victim, `touch ${flag}`);
      await new Promise((resolve) => squatter.once('exit', resolve));
      inHost(victim, `rm -f ${flag}`);
    }
    // The re-run dies (a dead laptop) as its roll reaches a serving follower: status says where it
    // stopped, from what the hosts keep; the next run finishes, never below a quorum.
    const before = await modes();
    const follower = hostNumbers().find((n) => n !== victim && before[n - 1] === 'follower') as number;
    const killed = await zkdeploy(['upgrade', '-t', target], {
      cwd,
      env: { ZKDEPLOY_TEST_KILL_AT: `upgrade@${hostName(follower)}` },
    });
    assert.equal(killed.code, null, `not killed: ${killed.stdout}${killed.stderr}`);
    // Still healthy (the follower was not stopped yet): said, not an unhealthy answer.
    const left = await run('status');
    assert.equal(left.code, 0, left.stdout);
    assert.match(
      left.stdout,
      /`zkdeploy upgrade` \(pid \d+, since [^)]+\) ended without finishing here \(killed\?\)/,
    );
    assert.match(
      left.stdout,
      new RegExp(
        `${hostName(follower)}: its last step here: upgrade \\d/5 \\(follower\\), begun [\\d:]+, not ended`,
      ),
    );
    assert.match(
      left.stdout,
      new RegExp(
        `${hostName(victim)}: its last step here: upgrade 1/5 \\(down\\), ended [\\d:]+ \\(changed\\)`,
      ),
    );
    const rerun = await run('upgrade', '-t', target);
    assert.equal(rerun.code, 0, rerun.stdout + rerun.stderr);
    assert.deepEqual(
      versions(),
      lzyHosts.map(() => '3.8.0'),
    );
    assert.equal((await run('status')).code, 0);
  });

  test('rollback with two servers down: they go first and come back on 3.4.9, no serving server is taken down below a quorum', async (t) => {
    if (!requireLab(t)) return;
    assert.deepEqual(
      versions(),
      lzyHosts.map(() => '3.8.0'),
    );
    // The review case: LZY-03 and LZY-05 down. Rolling a serving follower first would leave 2 of 5.
    assert.equal((await run('stop', '--hosts', 'LZY-03,LZY-05')).code, 0);
    const writer = await startLiveWriter('/rollback-two-down');
    t.after(() => writer.close());
    try {
      const down = await run('rollback');
      const report = await writer.stop();
      assert.equal(down.code, 0, down.stdout + down.stderr);
      // The two down first; each turn ends with every server that served before it serving and
      // synced, so no serving server went down before all five were back.
      assert.match(down.stdout, /^order: LZY-03 → LZY-05 → (LZY-0[124] → ){2}LZY-0[124] \(leader\)$/m);
      assert.deepEqual(
        versions(),
        lzyHosts.map(() => '3.4.9'),
      );
      await assertNothingLost(report, '/rollback-two-down');
      assert.deepEqual(report.twoLeaders, []);
    } finally {
      // Back where the next test starts: every server on 3.8.0.
      const up = await run('upgrade', '-t', target);
      assert.equal(up.code, 0, up.stdout + up.stderr);
    }
  });

  test('3.8.0 wrote what 3.4.9 cannot load: rollback says what is lost, asks, and restores the archives', async (t) => {
    if (!requireLab(t)) return;
    const cli = '~/zookeeper/apache-zookeeper-3.8.0-bin/bin/zkCli.sh -server 127.0.0.1:2181';
    asAdmin(2, `${cli} create -c /box x >/dev/null 2>&1; ${cli} create /after-upgrade x >/dev/null 2>&1`);
    const refused = await run('rollback');
    assert.equal(refused.code, 64, refused.stdout + refused.stderr);
    assert.match(refused.stdout, /zookeeper-3\.4\.9 cannot load: createContainer ×1/);
    assert.match(refused.stderr, /no terminal to confirm on/);
    assert.deepEqual(
      versions(),
      lzyHosts.map(() => '3.8.0'),
      'an unconfirmed rollback changed a server',
    );

    // Every server stops next, so what would stop the restore halfway is refused while they serve:
    // LZY-04's old release gone; then LZY-03's archive without its stamp.
    const stamp =
      'a=$(sed -n "s/^dataArchive=//p" ~/zookeeper/.zkdeploy-upgrade) && mv "$a/.zkdeploy-archive" "$a/.stamp"';
    const refusedWith = async (pattern: RegExp) => {
      const unsafe = await run('rollback', '--yes');
      assert.equal(unsafe.code, 1, unsafe.stdout + unsafe.stderr);
      assert.match(unsafe.stdout, pattern);
      assert.deepEqual(
        versions(),
        lzyHosts.map(() => '3.8.0'),
        'a refused rollback changed a server',
      );
    };
    asAdmin(4, 'mv ~/zookeeper/zookeeper-3.4.9 ~/zookeeper/old-release');
    try {
      await refusedWith(
        /LZY-04: the release to go back to, zookeeper-3\.4\.9, is no longer in the install directory/,
      );
    } finally {
      asAdmin(4, 'mv ~/zookeeper/old-release ~/zookeeper/zookeeper-3.4.9');
    }
    asAdmin(3, stamp);
    try {
      await refusedWith(
        /LZY-03: the archive the upgrade made, \/home\/admin\/zookeeper\/data\.zxid-0x[0-9a-f]+, is gone/,
      );
    } finally {
      asAdmin(3, stamp.replace('"$a/.zkdeploy-archive" "$a/.stamp"', '"$a/.stamp" "$a/.zkdeploy-archive"'));
    }

    const restored = await run('rollback', '--yes');
    assert.equal(restored.code, 0, restored.stdout + restored.stderr);
    assert.match(restored.stdout, /^host\s+stop\s+restore\s+start$/m);
    assert.deepEqual(
      versions(),
      lzyHosts.map(() => '3.4.9'),
    );
    const root = (await childrenOnEachServer('/')).get('LZY-01') ?? new Set();
    assert.ok(root.has('upgrade-test') && root.has('rollback-test'), 'what 3.4.9 had was restored');
    assert.ok(!root.has('box') && !root.has('after-upgrade'), 'what 3.8.0 wrote is gone from the ensemble');
    assert.match(asAdmin(2, 'ls -d ~/zookeeper/data.zxid-*'), /data\.zxid-0x[0-9a-f]+$/m);
    assert.equal((await run('status')).code, 0);
  });

  test('uninstall after an upgrade: both releases and the record go; --purge-data takes the stamped archives, nothing else', async (t) => {
    if (!requireLab(t)) return;
    asAdmin(3, 'mkdir -p ~/zookeeper/data.zxid-0xdead && echo mine > ~/zookeeper/data.zxid-0xdead/notes');
    assert.match(asAdmin(3, 'ls ~/zookeeper'), /^apache-zookeeper-3\.8\.0-bin$/m);
    const kept = await run('uninstall');
    assert.equal(kept.code, 0, kept.stdout + kept.stderr);
    const left = asAdmin(3, 'ls -A ~/zookeeper');
    assert.doesNotMatch(left, /zookeeper-3\.4\.9|apache-zookeeper-3\.8\.0-bin|\.zkdeploy-upgrade/);
    assert.match(left, /^data\.zxid-0x[0-9a-f]+$/m, 'the archives are data: kept without --purge-data');
    const purged = await run('uninstall', '--purge-data', '--yes');
    assert.equal(purged.code, 0, purged.stdout + purged.stderr);
    assert.equal(
      asAdmin(3, 'ls -A ~/zookeeper').trim(),
      'data.zxid-0xdead',
      'a purge went beyond what zkdeploy stamped',
    );
    assert.equal(asAdmin(3, 'cat ~/zookeeper/data.zxid-0xdead/notes').trim(), 'mine');
  });
});
