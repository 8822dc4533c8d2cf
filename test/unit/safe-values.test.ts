import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { HostError } from '../../src/errors.js';
import { PURGEABLE, purgeCommand } from '../../src/plan/purge.js';
import { checkedHostPath, FILE_NAME, unsafeDirectory } from '../../src/remote/safe-values.js';
import { renderProfileBlock } from '../../src/render/profile.js';

describe('directories ZooKeeper may use', () => {
  test('the home, anything above it, system directories and .. are refused', () => {
    const home = '/home/admin';
    for (const dir of [
      '~',
      '~/',
      '~/..',
      '/',
      '/etc',
      '/etc/zookeeper',
      '/home',
      '/usr',
      '/var/lib',
      '/proc/1',
      '/tmp',
    ])
      assert.ok(unsafeDirectory(dir, home), `${dir} was accepted`);
    assert.equal(unsafeDirectory('/home/admin', home), 'is the home directory itself');
    assert.equal(unsafeDirectory('/home/admin/', home), 'is the home directory itself');
    assert.equal(unsafeDirectory('/home/admin/zookeeper/../..', home), 'has a .. component');
  });

  test('ordinary places stay fine, before and after the home is known', () => {
    for (const dir of [
      '~/zookeeper',
      '~/zookeeper/data',
      '/data/zookeeper',
      '/var/lib/zookeeper',
      '/opt/zookeeper',
      '/usr/local/zookeeper',
    ]) {
      assert.equal(unsafeDirectory(dir), undefined, dir);
      assert.equal(unsafeDirectory(dir, '/home/admin'), undefined, dir);
    }
  });

  test('a home of /data/zk makes /data refused once it is known', () => {
    assert.equal(unsafeDirectory('/data'), undefined);
    assert.equal(unsafeDirectory('/data', '/data/zk'), 'lies above the home directory');
  });
});

describe('names and paths from a tarball or a host', () => {
  test('a release name is one plain path component', () => {
    for (const ok of ['zookeeper-3.4.9', 'apache-zookeeper-3.8.0-bin', 'zookeeper-3.4.9.tar.gz'])
      assert.ok(FILE_NAME.test(ok), ok);
    for (const bad of ['zk$(id)', 'a b', '.hidden', '-rf', 'a/b', "it's", 'x`id`', ''])
      assert.equal(FILE_NAME.test(bad), false, bad);
  });

  test('a path read back from a host is used only when plain and absolute', () => {
    assert.equal(
      checkedHostPath('h', '/home/admin/zookeeper/zookeeper-3.4.9', 'X', 'fix'),
      '/home/admin/zookeeper/zookeeper-3.4.9',
    );
    for (const bad of ['/home/admin/zk$(touch x)', 'relative/path', '/a/../b', '/a b', "/a'b", ''])
      assert.throws(() => checkedHostPath('h', bad, 'X', 'fix'), HostError, bad);
  });

  test('the profile block quotes ZOOKEEPER_HOME, so a login shell reads it as one word', () => {
    assert.match(
      renderProfileBlock('/home/admin/zookeeper/zookeeper-3.4.9'),
      /^ZOOKEEPER_HOME=\/home\/admin\/zookeeper\/zookeeper-3\.4\.9$/m,
    );
    assert.match(renderProfileBlock('/opt/zk $(id)'), /^ZOOKEEPER_HOME='\/opt\/zk \$\(id\)'$/m);
  });
});

describe('the purge script', () => {
  const run = (script: string, home: string) => {
    const result = spawnSync('sh', ['-c', script], {
      encoding: 'utf8',
      env: { HOME: home, PATH: process.env.PATH },
    });
    return `${result.stdout}${result.stderr}exit ${result.status}`;
  };

  test("deletes ZooKeeper's files only, and the directory once empty", () => {
    const root = mkdtempSync(join(tmpdir(), 'zkdeploy-purge-'));
    try {
      const home = join(root, 'home');
      const data = join(home, 'zookeeper', 'data');
      const logs = join(home, 'zookeeper', 'server-logs');
      mkdirSync(join(data, 'version-2'), { recursive: true });
      mkdirSync(logs, { recursive: true });
      for (const f of ['myid', 'zookeeper_server.pid', 'notes.txt']) writeFileSync(join(data, f), 'x');
      for (const f of ['zookeeper.out', 'zookeeper-admin-server-h.out', 'zookeeper_audit.log'])
        writeFileSync(join(logs, f), 'x');
      assert.match(run(purgeCommand(data, PURGEABLE.dataDir), home), /^exit 0$/);
      assert.deepEqual(readdirSync(data), ['notes.txt']);
      assert.match(run(purgeCommand(logs, PURGEABLE.serverLogDir), home), /^exit 0$/);
      assert.deepEqual(readdirSync(join(home, 'zookeeper')), ['data']);
      assert.match(run(purgeCommand(join(home, 'gone'), PURGEABLE.dataDir), home), /^exit 0$/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('refuses, at the moment of deleting, the home, above it, and a link into a system directory', () => {
    const root = mkdtempSync(join(tmpdir(), 'zkdeploy-purge-'));
    try {
      const home = join(root, 'home');
      mkdirSync(join(home, 'version-2'), { recursive: true });
      symlinkSync('/etc', join(home, 'etc-link'));
      assert.match(
        run(purgeCommand(home, PURGEABLE.dataDir), home),
        /is the home directory or lies above it\nexit 1$/,
      );
      assert.match(
        run(purgeCommand(root, PURGEABLE.dataDir), home),
        /is the home directory or lies above it\nexit 1$/,
      );
      assert.match(
        run(purgeCommand(join(home, 'etc-link'), PURGEABLE.dataDir), home),
        /\/etc is a system directory\nexit 1$/,
      );
      assert.deepEqual(readdirSync(home).sort(), ['etc-link', 'version-2']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
