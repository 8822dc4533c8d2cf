import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { validateInventory } from '../../src/inventory/validate.js';
import { renderJavaEnv, renderMyid } from '../../src/render/java-env.js';
import { applyProfileBlock, removeProfileBlock, renderProfileBlock } from '../../src/render/profile.js';
import { renderUnit, unitWord } from '../../src/render/unit.js';
import { renderZooCfg } from '../../src/render/zoo-cfg.js';

const inventory = (zookeeper: Record<string, unknown> = {}) =>
  validateInventory({ zookeeper, hosts: ['LZY-01', 'LZY-02', 'LZY-03', 'LZY-04', 'LZY-05'] }, 'inv.yaml');

describe('zoo.cfg', () => {
  const inv = inventory();
  const cfg = renderZooCfg(inv.cluster, inv.hosts, '/home/admin');
  const lines = cfg.split('\n');

  test("has the guide's settings with absolute paths and one server line per host", () => {
    for (const line of [
      'tickTime=2000',
      'initLimit=10',
      'syncLimit=5',
      'clientPort=2181',
      'dataDir=/home/admin/zookeeper/data',
      'dataLogDir=/home/admin/zookeeper/logs',
      'server.1=LZY-01:2888:3888',
      'server.5=LZY-05:2888:3888',
    ]) {
      assert.ok(lines.includes(line), `missing ${line}`);
    }
    assert.ok(lines[0]?.startsWith('# Managed by zkdeploy'));
  });

  test('is one form valid for 3.4.x and 3.5+: one dataDir, no ;clientPort, no trailing spaces', () => {
    assert.equal(lines.filter((l) => /^\s*dataDir\s*=/.test(l)).length, 1);
    assert.ok(!cfg.includes(';'));
    assert.deepEqual(
      lines.filter((l) => /\s$/.test(l)),
      [],
    );
  });

  test('whitelists the four-letter words zkdeploy uses and keeps the AdminServer off by default', () => {
    assert.ok(lines.includes('4lw.commands.whitelist=srvr,mntr,ruok,conf,isro'));
    assert.ok(lines.includes('admin.enableServer=false'));
  });

  test('purges old snapshots and logs by default: the newest 3 kept, once a day', () => {
    assert.ok(lines.includes('autopurge.snapRetainCount=3'));
    assert.ok(lines.includes('autopurge.purgeInterval=24'));
  });

  test('extra settings are written verbatim and may override the defaults', () => {
    const custom = inventory({
      settings: { 'admin.enableServer': true, 'autopurge.purgeInterval': 1, 'x.list': 'a,b:c' },
    });
    const text = renderZooCfg(custom.cluster, custom.hosts, '/home/zk');
    assert.match(text, /^admin\.enableServer=true$/m);
    assert.match(text, /^autopurge\.purgeInterval=1$/m);
    assert.doesNotMatch(text, /autopurge\.purgeInterval=24/);
    assert.match(text, /^x\.list=a,b:c$/m);
    assert.doesNotMatch(text, /admin\.enableServer=false/);
  });

  test('server lines follow myid order and the configured ports', () => {
    const inv2 = validateInventory(
      {
        zookeeper: { quorumPort: 2889, electionPort: 3889 },
        hosts: [
          { name: 'b', myid: 7 },
          { name: 'a', myid: 3 },
          { name: 'c', myid: 5 },
        ],
      },
      'inv.yaml',
    );
    const servers = renderZooCfg(inv2.cluster, inv2.hosts, '/h')
      .split('\n')
      .filter((l) => l.startsWith('server.'));
    assert.deepEqual(servers, ['server.3=a:2889:3889', 'server.5=c:2889:3889', 'server.7=b:2889:3889']);
  });
});

describe('~/.bash_profile block', () => {
  const block = renderProfileBlock('/home/admin/zookeeper/zookeeper-3.4.9');
  const user = '# .bash_profile\nexport EDITOR=vi\n';

  test("holds the guide's three lines between markers", () => {
    assert.match(block, /^ZOOKEEPER_HOME=\/home\/admin\/zookeeper\/zookeeper-3\.4\.9$/m);
    assert.match(block, /^PATH=\$ZOOKEEPER_HOME\/bin:\$PATH$/m);
    assert.match(block, /^export ZOOKEEPER_HOME PATH$/m);
  });

  test('is appended once, then replaced in place, the user lines untouched', () => {
    const once = applyProfileBlock(user, block);
    assert.ok(once.startsWith(user));
    assert.equal(applyProfileBlock(once, block), once, 'applying twice changes nothing');
    const newer = renderProfileBlock('/home/admin/zookeeper/apache-zookeeper-3.8.0-bin');
    const replaced = applyProfileBlock(`${once}alias ll='ls -l'\n`, newer);
    assert.equal(replaced.match(/# BEGIN zkdeploy/g)?.length, 1);
    assert.ok(replaced.startsWith(user));
    assert.ok(replaced.endsWith("alias ll='ls -l'\n"));
    assert.match(replaced, /apache-zookeeper-3\.8\.0-bin/);
    assert.doesNotMatch(replaced, /zookeeper-3\.4\.9/);
  });

  test('uninstall removes exactly the block, the user lines stay', () => {
    const withBlock = applyProfileBlock(`${user}alias ll='ls -l'\n`, block);
    assert.equal(removeProfileBlock(`${user}${block}alias ll='ls -l'\n`), `${user}alias ll='ls -l'\n`);
    assert.doesNotMatch(removeProfileBlock(withBlock), /zkdeploy|ZOOKEEPER_HOME/);
    assert.equal(removeProfileBlock(user), user);
  });

  test('a file without a final newline, or no file, still gets a clean block', () => {
    assert.equal(applyProfileBlock(undefined, block), block);
    assert.equal(applyProfileBlock('export A=1', block), `export A=1\n${block}`);
  });
});

describe('java.env and myid', () => {
  test('java.env sets the server log dir, and Java home and heap only when given', () => {
    const plain = renderJavaEnv({
      serverLogDir: '/home/admin/zookeeper/server-logs',
      javaHome: undefined,
      heap: undefined,
    });
    assert.match(plain, /^ZOO_LOG_DIR=\/home\/admin\/zookeeper\/server-logs$/m);
    assert.doesNotMatch(plain, /JAVA_HOME|SERVER_JVMFLAGS/);
    const full = renderJavaEnv({ serverLogDir: '/l', javaHome: '/usr/lib/jvm/java-17', heap: '512m' });
    assert.match(full, /^JAVA_HOME=\/usr\/lib\/jvm\/java-17$/m);
    assert.match(full, /^SERVER_JVMFLAGS="-Xms512m -Xmx512m \$SERVER_JVMFLAGS"$/m);
  });

  test('myid is the id and a newline, nothing else', () => {
    assert.equal(renderMyid(3), '3\n');
  });
});

describe('layout', () => {
  test('a data directory inside the release directory is bad input, found before connecting', async () => {
    const { checkLayout } = await import('../../src/plan/install-plan.js');
    const inside = inventory({ dataDir: '~/zookeeper/zookeeper-3.4.9/data' });
    assert.throws(
      () => checkLayout(inside, 'zookeeper-3.4.9'),
      /zookeeper\.dataDir .* lies inside the release directory/,
    );
    assert.doesNotThrow(() => checkLayout(inventory(), 'zookeeper-3.4.9'));
    assert.doesNotThrow(() =>
      checkLayout(inventory({ dataDir: '~/zookeeper/zookeeper-3.4.9-data' }), 'zookeeper-3.4.9'),
    );
  });
});

describe('the systemd unit (service: systemd)', () => {
  const unit = renderUnit({
    user: 'admin',
    home: '/home/admin',
    zookeeperHome: '/home/admin/zookeeper/zookeeper-3.4.9',
    serverLogDir: '/home/admin/zookeeper/server-logs',
    swapMark: '/home/admin/zookeeper/.zkdeploy-swap',
  });

  test('runs the release in the foreground as the SSH user, restarted on failure, enabled at boot', () => {
    for (const line of [
      'User=admin',
      'WorkingDirectory=/home/admin',
      `ExecStart=/bin/sh -c 'exec "$$0" start-foreground >>"$$1" 2>&1' /home/admin/zookeeper/zookeeper-3.4.9/bin/zkServer.sh /home/admin/zookeeper/server-logs/zookeeper.out`,
      'Restart=on-failure',
      'ConditionPathExists=!/home/admin/zookeeper/.zkdeploy-swap',
      'SuccessExitStatus=143',
      'WantedBy=multi-user.target',
    ])
      assert.ok(unit.split('\n').includes(line), line);
  });

  test('a value systemd would read as more than a plain word is refused', () => {
    for (const bad of ['/opt/zk 1', '/opt/%h', '/opt/$HOME', "/opt/'x'", '/opt/a\\b', '/opt/"x"'])
      assert.throws(() => unitWord(bad), /not a plain word/, bad);
    assert.equal(unitWord('/home/admin/zookeeper-3.4.9'), '/home/admin/zookeeper-3.4.9');
  });
});
