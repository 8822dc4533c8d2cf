// Trust on the lab: code hidden in a tarball or read back from a host never runs; a purge never takes
// more than ZooKeeper's own files; bad inventories are refused whole; one dead host holds no one back.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { labSuite, outcomes, zkdeploy } from '../helpers/cli.js';
import {
  asAdmin,
  hostIp,
  hostLink,
  hostName,
  hostNumbers,
  inHost,
  lab,
  labKey,
  labKnownHosts,
  labTarball,
  lzyHosts,
  markersOnHosts,
  requireLab,
} from '../helpers/lab.js';
import { repoRoot } from '../helpers/paths.js';

const lzy = join(repoRoot, 'inventories', 'lzy.yaml');
const lzyText = readFileSync(lzy, 'utf8');

describe('trust', () => {
  const { cwd, run } = labSuite();
  const inventoryWith = (name: string, zookeeper: string) => {
    const file = join(cwd, `${name}.yaml`);
    writeFileSync(file, `ssh:\n  user: admin\nzookeeper:\n${zookeeper}hosts: [${lzyHosts.join(', ')}]\n`);
    return file;
  };

  test('a release directory named as shell code is refused before any upload, and never runs', async (t) => {
    if (!requireLab(t)) return;
    const top = 'zk$(touch pwned-tarball)-3.8.0';
    const tree = join(cwd, 'evil-top');
    mkdirSync(join(tree, top, 'bin'), { recursive: true });
    mkdirSync(join(tree, top, 'lib'), { recursive: true });
    writeFileSync(join(tree, top, 'bin', 'zkServer.sh'), '#!/bin/sh\n');
    writeFileSync(join(tree, top, 'lib', 'zookeeper-3.8.0.jar'), 'jar');
    const tarball = join(cwd, 'zookeeper-3.8.0.tar.gz');
    execFileSync('tar', ['-czf', tarball, '-C', tree, top]);
    const result = await run('install', '-i', lzy, '-t', tarball);
    assert.equal(result.code, 3, result.stdout + result.stderr);
    assert.match(
      result.stderr,
      /top directory "zk\$\(touch pwned-tarball\)-3\.8\.0" is not a plain release name/,
    );
    assert.deepEqual(markersOnHosts(), []);
    for (const n of hostNumbers()) assert.equal(asAdmin(n, 'ls -A ~ | grep -c setups || true').trim(), '0');
  });

  test('ZOOKEEPER_HOME read back from a host is checked, never run: each command refuses that host', async (t) => {
    if (!requireLab(t)) return;
    assert.equal((await run('install', '-i', lzy, '-t', labTarball(), '--start')).code, 0);
    asAdmin(
      2,
      `sed -i 's|^ZOOKEEPER_HOME=.*|ZOOKEEPER_HOME=/home/admin/zookeeper/zookeeper-3.8.0$(touch /home/admin/pwned-home)|' ~/.bash_profile`,
    );
    for (const args of [['status', '--raw'], ['stop'], ['start'], ['restart', '--force'], ['uninstall']]) {
      const result = await run(...args, '-i', lzy);
      assert.notEqual(result.code, 0, `${args.join(' ')}: ${result.stdout}`);
      assert.match(
        result.stdout + result.stderr,
        /LZY-02: ZOOKEEPER_HOME in ~\/\.bash_profile is "[^"]*pwned-home\)", not a path zkdeploy writes/,
        args.join(' '),
      );
      assert.deepEqual(markersOnHosts(), [], args.join(' '));
    }
    assert.deepEqual(markersOnHosts(), []);
  });

  test('a data, log or install directory that is the home, above it or a system directory: refused, nothing touched', async (t) => {
    if (!requireLab(t)) return;
    lab('reset');
    for (const n of hostNumbers()) asAdmin(n, 'echo mine > ~/keep-me');
    const cases: [string, string, RegExp][] = [
      ['home', '  dataDir: "~"\n', /zookeeper\.dataDir: ~ is the home directory itself/],
      ['above-home', '  dataLogDir: ~/..\n', /zookeeper\.dataLogDir: ~\/\.\. has a \.\. component/],
      ['etc', '  dataDir: /etc\n', /zookeeper\.dataDir: \/etc lies in a system directory/],
      ['root', '  installDir: /\n', /zookeeper\.installDir: \/ is a system directory/],
    ];
    for (const [name, setting, message] of cases) {
      const file = inventoryWith(name, setting);
      for (const args of [
        ['install', '-t', labTarball()],
        ['uninstall', '--purge-data', '--yes'],
      ]) {
        const result = await run(...args, '-i', file);
        assert.equal(result.code, 3, `${name} ${args[0]}: ${result.stdout}${result.stderr}`);
        assert.match(result.stderr, message);
        assert.match(result.stderr, new RegExp(`${name}\\.yaml: 1 problem`));
      }
    }
    // The absolute path of the home is only known on the host: refused there, before any change.
    const absolute = inventoryWith('absolute-home', '  dataLogDir: /home/admin\n');
    for (const args of [
      ['install', '-t', labTarball()],
      ['uninstall', '--purge-data', '--yes'],
    ]) {
      const result = await run(...args, '-i', absolute);
      assert.equal(result.code, 3, `${args[0]}: ${result.stdout}${result.stderr}`);
      assert.match(
        result.stderr,
        /absolute-home\.yaml: zookeeper\.dataLogDir \/home\/admin is \/home\/admin on LZY-0\d, which is the home directory itself; nothing was changed/,
      );
    }
    for (const n of hostNumbers()) {
      assert.equal(asAdmin(n, 'cat ~/keep-me'), 'mine\n', `${hostName(n)}: the home was touched`);
      assert.equal(asAdmin(n, 'ls -A ~ | grep -c -e setups -e zookeeper || true').trim(), '0');
    }
  });

  test("a purge deletes only ZooKeeper's own files: what else is in the data directory stays", async (t) => {
    if (!requireLab(t)) return;
    lab('reset');
    assert.equal((await run('install', '-i', lzy, '-t', labTarball(), '--start')).code, 0);
    for (const n of hostNumbers()) asAdmin(n, 'echo mine > ~/zookeeper/data/notes.txt');
    const purged = await run('uninstall', '-i', lzy, '--purge-data', '--yes');
    assert.equal(purged.code, 0, purged.stdout + purged.stderr);
    assert.deepEqual([...outcomes(purged.stdout).keys()], lzyHosts);
    for (const n of hostNumbers()) {
      assert.equal(asAdmin(n, 'ls -A ~/zookeeper/data'), 'notes.txt\n', hostName(n));
      assert.equal(asAdmin(n, 'ls -A ~/zookeeper'), 'data\n', `${hostName(n)}: emptied dirs go`);
    }
  });

  test('a host entry with an empty name is refused, never silently dropped', async (t) => {
    if (!requireLab(t)) return;
    const file = join(cwd, 'empty-name.yaml');
    writeFileSync(file, lzyText.replace('  - name: LZY-02\n', '  - name:\n'));
    const result = await run('plan', '-i', file, '-t', labTarball());
    assert.equal(result.code, 3, result.stdout + result.stderr);
    assert.match(
      result.stderr,
      /empty-name\.yaml: 1 problem in the inventory[\s\S]*hosts\[1\]\.name: missing/,
    );
  });

  test('ssh.identity: ~/ in the inventory is the home of the user running zkdeploy', async (t) => {
    if (!requireLab(t)) return;
    const home = join(cwd, 'home');
    mkdirSync(join(home, '.ssh'), { recursive: true, mode: 0o700 });
    copyFileSync(labKey, join(home, '.ssh', 'lab-key'));
    execFileSync('chmod', ['600', join(home, '.ssh', 'lab-key')]);
    copyFileSync(labKnownHosts, join(home, '.ssh', 'known_hosts'));
    const file = join(cwd, 'tilde-identity.yaml');
    writeFileSync(file, lzyText.replace('  port: 22\n', '  port: 22\n  identity: ~/.ssh/lab-key\n'));
    const result = await zkdeploy(['status', '--json', '-i', file], {
      cwd,
      env: { HOME: home, SSH_AUTH_SOCK: '' },
    });
    const hosts = (JSON.parse(result.stdout) as { hosts: { name: string; mode: string }[] }).hosts;
    assert.deepEqual(
      hosts.map((h) => `${h.name} ${h.mode}`),
      lzyHosts.map((name) => `${name} down`),
      result.stderr,
    );
  });

  test('an inventory of IP addresses works where the addresses have no names', async (t) => {
    if (!requireLab(t)) return;
    const file = join(cwd, 'ips.yaml');
    const byAddress = hostNumbers().reduce(
      (text, n) => text.replace(`name: ${hostName(n)}\n`, `name: ${hostIp(n)}\n`),
      lzyText,
    );
    writeFileSync(file, byAddress);
    lab('reset');
    // Each host sees an /etc/hosts without the lab's names, as on a network with no DNS.
    const hide = 'grep -v "LZY-" /etc/hosts > /tmp/hosts-bare && mount --bind /tmp/hosts-bare /etc/hosts';
    try {
      for (const n of hostNumbers()) inHost(n, hide);
      assert.equal(inHost(1, `getent hosts ${hostIp(2)} || echo none`).trim(), 'none');
      const check = await run('check', '-i', file, '-t', labTarball());
      assert.equal(check.code, 0, check.stdout + check.stderr);
      const result = await run('install', '-i', file, '-t', labTarball(), '--start');
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.match(result.stdout, /healthy: 1 leader, 4 followers/);
    } finally {
      for (const n of hostNumbers()) inHost(n, 'umount /etc/hosts 2>/dev/null || true');
    }
  });

  test('one host down: the others finish, the dead one is named (exit 1); back up, a re-run converges', async (t) => {
    if (!requireLab(t)) return;
    lab('reset');
    const link = hostLink(5);
    execFileSync('ip', ['link', 'set', link, 'down']);
    try {
      const result = await run('install', '-i', lzy, '-t', labTarball(), '--connect-timeout', '2');
      assert.equal(result.code, 1, result.stdout + result.stderr);
      assert.doesNotMatch(result.stderr, /install refused/);
      const table = outcomes(result.stdout);
      assert.deepEqual([...table.keys()], lzyHosts);
      for (const name of lzyHosts.slice(0, 4))
        assert.equal(table.get(name)?.get('myid'), 'changed', `${name}: ${result.stdout}`);
      assert.equal(table.get('LZY-05')?.get('connect'), 'failed');
      assert.match(result.stdout, /LZY-05: (no route to|no SSH answer from|connection to) admin@/);
    } finally {
      execFileSync('ip', ['link', 'set', link, 'up']);
    }
    const again = await run('install', '-i', lzy, '-t', labTarball());
    assert.equal(again.code, 0, again.stdout + again.stderr);
    const table = outcomes(again.stdout);
    assert.equal(table.get('LZY-05')?.get('myid'), 'changed');
    for (const name of lzyHosts.slice(0, 4))
      assert.deepEqual(
        [...(table.get(name)?.values() ?? [])].filter((o) => o === 'changed'),
        [],
        name,
      );
  });
});
