// Faults on the lab: each one on one host; the others finish, the failed host and step are named,
// exit 1, and a plain re-run converges. Nothing half-done is ever used; the data always survives.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { ensembleLockPath } from '../../src/run/host-lock.js';
import {
  cliEnv,
  lockFileOf,
  outcomes,
  pairsWith,
  scratchDir,
  until,
  zkdeploy,
  zkdeployInBackground,
} from '../helpers/cli.js';
import {
  asAdmin,
  hostIp,
  hostNumbers,
  inHost,
  lab,
  labSshConfig,
  labTarball,
  releaseHome,
  releaseJar,
  releaseName,
  requireLab,
  uploadUnderway,
} from '../helpers/lab.js';
import { cliPath, repoRoot } from '../helpers/paths.js';
import { onServer, readOn, zk } from '../helpers/zk-client.js';

const inventory = join(repoRoot, 'inventories', 'lzy.yaml');
const release = releaseHome;

describe('faults', () => {
  const cwd = scratchDir();
  const run = (...args: string[]) => zkdeploy(args, { cwd: cwd.path });
  const undo: (() => void)[] = [];
  const undoAll = () => {
    const failures: string[] = [];
    while (undo.length > 0) {
      try {
        undo.pop()?.();
      } catch (err: unknown) {
        failures.push(err instanceof Error ? err.message : String(err));
      }
    }
    // An undo that fails leaves a fault for the next test: said loudly (lab reset then cleans up).
    if (failures.length > 0) throw new Error(`undoing the faults failed:\n${failures.join('\n')}`);
  };
  before(() => {
    if (process.getuid?.() === 0) lab('reset');
  });
  // A test that fails half-way still undoes its faults, before the next one resets the lab.
  afterEach(() => undoAll());
  after(() => {
    undoAll();
    cwd.remove();
    if (process.getuid?.() === 0) lab('reset');
  });

  test('the connection cut in the middle of the upload: no half-written tarball is ever used', async (t) => {
    if (!requireLab(t)) return;
    lab('slow', 'LZY-03', '4mbit');
    undo.push(() => lab('fast', 'LZY-03'));
    const { output, exited } = zkdeployInBackground(
      ['install', '-i', inventory, '-t', labTarball(), '--command-timeout', '60'],
      cwd.path,
    );
    await uploadUnderway(3, 500_000);
    // Cut it: end LZY-03's SSH session processes for admin, by PID.
    inHost(3, 'for p in $(pgrep -u admin -x sshd); do kill -9 "$p"; done');
    const cut = Date.now();
    assert.equal(await exited, 1, output().stdout);
    // A lost connection is noticed when it happens; nothing of the upload waits for --command-timeout
    // (its stall timer once kept the finished run alive that long).
    const seconds = (Date.now() - cut) / 1000;
    assert.ok(seconds < 60, `the run ended ${seconds.toFixed(1)} s after the cut, at --command-timeout`);
    const { stdout } = output();
    assert.match(stdout, /^LZY-03\s+failed\s/m);
    for (const host of ['LZY-01', 'LZY-02', 'LZY-04', 'LZY-05']) {
      assert.deepEqual(
        [...(outcomes(stdout).get(host)?.values() ?? [])].slice(0, 7),
        Array(7).fill('changed'),
        host,
      );
    }
    assert.equal(
      asAdmin(3, `test -e ~/setups/${releaseName}.tar.gz && echo complete || echo absent`).trim(),
      'absent',
    );
    assert.equal(asAdmin(3, `test -e ${release} && echo used || echo unused`).trim(), 'unused');

    lab('fast', 'LZY-03');
    const again = await run('install');
    assert.equal(again.code, 0, again.stdout);
    assert.deepEqual(
      pairsWith(again.stdout, 'changed').filter((p) => !p.startsWith('LZY-03')),
      [],
      'the hosts that had finished are unchanged',
    );
    assert.equal(
      asAdmin(3, `gzip -t ~/setups/${releaseName}.tar.gz && ls ~/setups`).trim(),
      `${releaseName}.tar.gz`,
    );
  });

  test('a host gone silent in the middle of the upload: the upload stalls and fails at --command-timeout, not at the keepalive', async (t) => {
    if (!requireLab(t)) return;
    lab('reset');
    lab('slow', 'LZY-03', '4mbit');
    undo.push(() => lab('fast', 'LZY-03'));
    const { output, exited } = zkdeployInBackground(
      ['install', '-i', inventory, '-t', labTarball(), '--command-timeout', '3'],
      cwd.path,
    );
    await uploadUnderway(3, 300_000);
    lab('blackhole', 'LZY-03');
    assert.equal(await exited, 1, output().stdout);
    const { stdout } = output();
    assert.match(stdout, /LZY-03.*upload to .* stalled: no progress for 3s \(--command-timeout\)/);
    assert.equal(outcomes(stdout).get('LZY-01')?.get('upload'), 'changed');
    lab('fast', 'LZY-03');
    const again = await run('install');
    assert.equal(again.code, 0, again.stdout);
    assert.equal(asAdmin(3, 'ls ~/setups').trim(), `${releaseName}.tar.gz`);
  });

  test('one host unreachable among five: named at connect, the others finish; once reachable, a re-run converges', async (t) => {
    if (!requireLab(t)) return;
    lab('reset');
    const text = readFileSync(inventory, 'utf8');
    const broken = join(cwd.path, 'one-dead.yaml');
    writeFileSync(
      broken,
      text.replace('  - name: LZY-05\n', `  - name: LZY-05\n    address: ${hostIp(89)}\n`),
    );
    const result = await run('install', '-i', broken, '-t', labTarball(), '--connect-timeout', '2');
    assert.equal(result.code, 1, result.stdout);
    assert.match(result.stdout, /^host\s+connect\s+upload/m);
    assert.match(result.stdout, /^LZY-05\s+failed(\s+skipped){8}$/m);
    assert.match(
      result.stdout,
      /LZY-05: (no route to|connection refused by|no SSH answer from|connection to) admin@/,
    );
    for (const host of ['LZY-01', 'LZY-02', 'LZY-03', 'LZY-04'])
      assert.match(result.stdout, new RegExp(`^${host}\\s+-(\\s+changed){7}`, 'm'));
    writeFileSync(broken, text);
    const again = await run('install', '-i', broken, '-t', labTarball());
    assert.equal(again.code, 0, again.stdout);
    assert.deepEqual(
      pairsWith(again.stdout, 'changed').filter((p) => !p.startsWith('LZY-05')),
      [],
    );
    assert.equal((await run('start', '-i', broken)).code, 0);
  });

  test('an extraction killed half-way is never used: its staging is replaced, a stampless release re-extracted', async (t) => {
    if (!requireLab(t)) return;
    assert.equal((await run('install', '-i', inventory, '-t', labTarball())).code, 0);
    // What a killed extraction can leave: a half-filled staging directory (and, from an older
    // zkdeploy or a hand edit, a release without its stamp and with a jar missing).
    asAdmin(
      2,
      `mkdir -p ~/zookeeper/.zkdeploy-extract-${releaseName}/${releaseName}/lib && rm ${release}/.zkdeploy-release ${release}/${releaseJar}`,
    );
    const plan = await run('plan');
    assert.match(plan.stdout, /^ {2}~ extract: /m);
    const result = await run('install');
    assert.equal(result.code, 0, result.stdout);
    assert.deepEqual(pairsWith(result.stdout, 'changed'), [
      'LZY-02 extract',
      'LZY-02 java.env',
      'LZY-02 zoo.cfg',
    ]);
    assert.equal(
      asAdmin(2, `test -f ${release}/${releaseJar} && ls -A ~/zookeeper`).trim().split('\n').sort().join(' '),
      `data logs server-logs ${releaseName}`,
    );
  });

  test("disk full in one host's install dir: that host fails at its step, the others finish; the check names it", async (t) => {
    if (!requireLab(t)) return;
    lab('reset');
    asAdmin(4, 'mkdir -p ~/zookeeper');
    inHost(4, 'mount -t tmpfs -o size=3m,uid=$(id -u admin),gid=$(id -g admin) zkfull /home/admin/zookeeper');
    undo.push(() => inHost(4, 'umount /home/admin/zookeeper'));
    const checked = await run('install', '-i', inventory, '-t', labTarball());
    assert.equal(checked.code, 1);
    assert.match(
      checked.stdout,
      /LZY-04 disk: fail: installDir: \/home\/admin\/zookeeper \(\d MiB free\), needs \d+ MiB/,
    );
    const result = await run('install', '--skip-check');
    assert.equal(result.code, 1, result.stdout);
    assert.match(result.stdout, /^LZY-04\s+changed\s+failed\s/m);
    // tar says so in its own words: ENOSPC, or a short write ("Wrote only 8192 of 10240 bytes").
    assert.match(
      result.stdout,
      /LZY-04: extract \S+ into ~\/zookeeper failed \(exit \d+\):[\s\S]*(No space left on device|Wrote only \d+ of \d+ bytes)/,
    );
    for (const host of ['LZY-01', 'LZY-02', 'LZY-03', 'LZY-05'])
      assert.match(result.stdout, new RegExp(`^${host}(\\s+changed){7}`, 'm'));
    assert.equal(
      asAdmin(4, 'ls -A ~/zookeeper').trim(),
      '',
      'a half extraction was left in the release place',
    );
    undoAll();
    const again = await run('install');
    assert.equal(again.code, 0, again.stdout);
  });

  test("permission denied on one host's install dir: named, the others finish, a re-run converges", async (t) => {
    if (!requireLab(t)) return;
    lab('reset');
    asAdmin(5, 'mkdir -p ~/zookeeper && chmod 500 ~/zookeeper');
    undo.push(() => asAdmin(5, 'chmod 755 ~/zookeeper'));
    const result = await run('install', '--skip-check');
    assert.equal(result.code, 1, result.stdout);
    assert.match(
      result.stdout,
      /LZY-05: extract \S+ into ~\/zookeeper failed \(exit \d+\):[\s\S]*Permission denied/,
    );
    for (const host of ['LZY-01', 'LZY-02', 'LZY-03', 'LZY-04'])
      assert.match(result.stdout, new RegExp(`^${host}(\\s+changed){7}`, 'm'));
    undoAll();
    const again = await run('install');
    assert.equal(again.code, 0, again.stdout);
    assert.equal((await run('start')).code, 0);
  });

  test('a remote command that hangs on one host (a FIFO where the tarball goes): given up after --command-timeout, the others finish', async (t) => {
    if (!requireLab(t)) return;
    lab('reset');
    asAdmin(3, `mkdir -p ~/setups && mkfifo ~/setups/${releaseName}.tar.gz`);
    undo.push(() =>
      inHost(3, `pkill -KILL -u admin sha256sum; rm -f /home/admin/setups/${releaseName}.tar.gz`),
    );
    // Long enough for the healthy hosts' extraction while another lab's suite loads the machine (3 s
    // was not, once: LZY-02's extract timed out too); the FIFO never ends, whatever the limit.
    const result = await run('install', '-i', inventory, '-t', labTarball(), '--command-timeout', '10');
    assert.equal(result.code, 1, result.stdout);
    assert.match(
      result.stdout,
      /LZY-03: a probe did not finish within 10s \(--command-timeout\); zkdeploy stopped waiting for it/,
    );
    assert.match(result.stdout, /fix: look on the host for a hung mount, a blocked file or a stuck process/);
    for (const host of ['LZY-01', 'LZY-02', 'LZY-04', 'LZY-05'])
      assert.match(result.stdout, new RegExp(`^${host}(\\s+changed){7}`, 'm'));
    // zkdeploy ended the hung command itself: nothing of it is left on the host for the undo to kill.
    assert.equal(inHost(3, 'pgrep -u admin -a sha256sum || true').trim(), '');
    undoAll();
    const again = await run('install', '-i', inventory, '-t', labTarball());
    assert.equal(again.code, 0, again.stdout);
    assert.deepEqual(
      pairsWith(again.stdout, 'changed').filter((p) => !p.startsWith('LZY-03')),
      [],
    );
  });

  test('two runs at once: the second names the first (pid, command, since) and touches nothing', async (t) => {
    if (!requireLab(t)) return;
    assert.equal((await run('install', '-i', inventory, '-t', labTarball())).code, 0);
    assert.equal((await run('start')).code, 0);
    const first = spawn(process.execPath, [cliPath, 'restart'], {
      cwd: cwd.path,
      env: cliEnv(cwd.path),
    });
    const firstDone = new Promise<number | null>((resolve) => first.on('close', resolve));
    const lock = lockFileOf(inventory);
    await until(
      () => existsSync(lock) && readFileSync(lock, 'utf8').includes(`"pid":${first.pid}`),
      'the first run to hold the lock',
    );
    const second = await run('stop');
    assert.equal(second.code, 1, second.stdout + second.stderr);
    assert.match(
      second.stderr,
      new RegExp(
        `another zkdeploy holds the lock on .*lzy\\.yaml: pid ${first.pid}, \`zkdeploy restart\`, since \\d{4}-`,
      ),
    );
    // The same file by another name (a symlinked directory) is the same lock; check takes it too.
    const linked = join(cwd.path, 'inventories-link');
    symlinkSync(dirname(inventory), linked);
    for (const args of [
      ['stop', '-i', join(linked, 'lzy.yaml')],
      ['check', '-i', join(linked, 'lzy.yaml')],
    ]) {
      const other = await run(...args);
      assert.equal(other.code, 1, other.stdout + other.stderr);
      assert.match(other.stderr, new RegExp(`another zkdeploy holds the lock on .*: pid ${first.pid}`));
    }
    // A copy of the inventory elsewhere is another file, but the same ensemble: its hosts hold the
    // lock, whichever file (or machine) a run comes from.
    const lockOnHost = ensembleLockPath('~/zookeeper').replace('~/', '');
    await until(
      () => asAdmin(2, `cat ~/${lockOnHost} 2>/dev/null || true`).includes(`"pid":${first.pid}`),
      "the first run to hold the ensemble's lock on the hosts",
    );
    const elsewhere = scratchDir();
    const copy = join(elsewhere.path, 'copy.yaml');
    writeFileSync(copy, readFileSync(inventory, 'utf8'));
    const fromCopy = await zkdeploy(['stop', '-i', copy], { cwd: elsewhere.path });
    assert.equal(fromCopy.code, 1, fromCopy.stdout + fromCopy.stderr);
    assert.match(
      fromCopy.stderr,
      new RegExp(
        `stop refused: this ensemble is locked by another run; nothing was touched\\n(  LZY-0\\d: another zkdeploy works on this ensemble: pid ${first.pid}, \`zkdeploy restart\`, since \\d{4}-.*\\n){5}`,
      ),
    );
    assert.equal(await firstDone, 0);
    assert.equal((await run('status')).code, 0, 'the second run stopped nothing');
    for (const n of hostNumbers())
      assert.equal(
        asAdmin(n, `ls -A ~ | grep -c zkdeploy-lock || true`).trim(),
        '0',
        `a lock left on LZY-0${n}`,
      );
    // One recorded by another machine is never judged from here: its host and the file are named.
    asAdmin(
      2,
      `echo '{"pid":4242,"host":"ops-laptop","command":"upgrade","since":"2026-12-08T00:00:00Z","token":"x"}' > ~/${lockOnHost}`,
    );
    const foreign = await run('stop');
    assert.equal(foreign.code, 1, foreign.stdout + foreign.stderr);
    assert.match(
      foreign.stderr,
      /LZY-02: another zkdeploy works on this ensemble: pid 4242 on ops-laptop, `zkdeploy upgrade`/,
    );
    assert.match(foreign.stderr, /remove ~\/\.zkdeploy-lock\.[0-9a-f]{12} on LZY-02/);
    assert.equal((await run('status')).code, 0, 'a refused stop stopped a server');
    // One left by a dead run of this machine (a laptop that died) is taken over, and said.
    const dead = spawn('true');
    await new Promise((resolve) => dead.on('close', resolve));
    const mine = JSON.stringify({
      pid: dead.pid,
      host: hostname(),
      ...(existsSync('/etc/machine-id') ? { machine: readFileSync('/etc/machine-id', 'utf8').trim() } : {}),
      command: 'restart',
      since: '2026-12-08T00:00:00Z',
      token: 'y',
    });
    asAdmin(2, `printf '%s\\n' '${mine}' > ~/${lockOnHost}`);
    const after = await run('start');
    assert.equal(after.code, 0, after.stdout + after.stderr);
    assert.match(after.stderr, new RegExp(`LZY-02: taking over a stale lock left by pid ${dead.pid}`));
    assert.equal(
      asAdmin(2, `ls -A ~ | grep -c zkdeploy-lock || true`).trim(),
      '0',
      'the lock taken over stays',
    );
  });

  test('the data survives install re-runs, a changed zoo.cfg, restart, stop/start and uninstall', async (t) => {
    if (!requireLab(t)) return;
    await onServer(hostIp(1), (c) => zk.create(c, '/survivor', 'alive'));
    const readBack = async (step: string) =>
      assert.equal(await readOn(hostIp(3), '/survivor', 'alive'), 'alive', `lost after ${step}`);
    assert.equal((await run('install')).code, 0);
    await readBack('install');
    const changed = join(cwd.path, 'changed.yaml');
    writeFileSync(
      changed,
      readFileSync(inventory, 'utf8').replace(
        '  electionPort: 3888',
        '  electionPort: 3888\n  settings:\n    autopurge.purgeInterval: 24',
      ),
    );
    assert.equal((await run('install', '-i', changed, '-t', labTarball())).code, 0);
    assert.equal((await run('restart', '-i', changed)).code, 0);
    await readBack('a changed zoo.cfg and a restart');
    assert.equal((await run('stop', '-i', changed)).code, 0);
    assert.equal((await run('start', '-i', changed)).code, 0);
    await readBack('stop and start');
    assert.equal((await run('uninstall', '-i', changed)).code, 0);
    assert.equal((await run('install', '-i', changed, '-t', labTarball())).code, 0);
    assert.equal((await run('start', '-i', changed)).code, 0);
    await readBack('uninstall and install');
  });

  test("nothing zkdeploy writes is group- or world-writable, even under RHEL's umask 002", async (t) => {
    if (!requireLab(t)) return;
    lab('reset');
    // As RHEL's /etc/profile and bashrc do it: every command over SSH starts with umask 002.
    for (const n of hostNumbers())
      asAdmin(
        n,
        'echo "umask 002" > ~/.umask002 && cp ~/.umask002 ~/.bashrc && mkdir -p ~/.ssh && echo "BASH_ENV=/home/admin/.umask002" > ~/.ssh/environment',
      );
    const sessionUmask = execFileSync('ssh', ['-F', labSshConfig, 'admin@LZY-01', 'bash -c umask'], {
      encoding: 'utf8',
    });
    assert.equal(
      sessionUmask.trim(),
      '0002',
      'a bash started over SSH, as zkdeploy runs its commands, has umask 002',
    );
    assert.equal((await run('install', '-i', inventory, '-t', labTarball(), '--start')).code, 0);
    for (const n of hostNumbers()) {
      const loose = asAdmin(n, 'find ~/setups ~/zookeeper ~/.bash_profile -perm /022 ! -type l 2>/dev/null');
      assert.equal(loose.trim(), '', `host ${n}: ${loose}`);
    }
  });
});
