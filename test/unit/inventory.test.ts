import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { InputError } from '../../src/errors.js';
import { loadInventory } from '../../src/inventory/load.js';
import { validateInventory } from '../../src/inventory/validate.js';

const five = ['LZY-01', 'LZY-02', 'LZY-03', 'LZY-04', 'LZY-05'].map((name) => ({ name }));
const valid = () => ({ ssh: { user: 'admin' }, hosts: structuredClone(five) });

/** The message of the InputError that validating `doc` throws. */
function problem(doc: unknown): string {
  try {
    validateInventory(doc, 'inv.yaml');
  } catch (err: unknown) {
    assert.ok(err instanceof InputError, `expected an InputError, got ${String(err)}`);
    assert.equal(err.exitCode, 3);
    return err.message;
  }
  assert.fail('the inventory was accepted');
}

describe('inventory validation', () => {
  test("the guide's cluster gets the guide's defaults", () => {
    const inv = validateInventory(valid(), 'inv.yaml');
    assert.deepEqual(
      inv.hosts.map((h) => [h.name, h.address, h.port, h.myid]),
      five.map((h, i) => [h.name, undefined, undefined, i + 1]),
    );
    assert.equal(inv.cluster.installDir, '~/zookeeper');
    assert.equal(inv.cluster.dataDir, '~/zookeeper/data');
    assert.equal(inv.cluster.dataLogDir, '~/zookeeper/logs');
    assert.equal(inv.cluster.clientPort, 2181);
    assert.equal(inv.cluster.firewall, 'disable');
    assert.equal(inv.cluster.service, 'zkServer.sh');
    assert.deepEqual(inv.warnings, []);
  });

  test('service: zkServer.sh (the default) or systemd; anything else named with both choices', () => {
    assert.equal(
      validateInventory({ ...valid(), service: 'systemd' }, 'inv.yaml').cluster.service,
      'systemd',
    );
    assert.throws(
      () => validateInventory({ ...valid(), service: 'upstart' }, 'inv.yaml'),
      /service: string "upstart" is not a service mode[\s\S]*"zkServer\.sh"[\s\S]*"systemd"/,
    );
  });

  test('javaHome: cluster-wide, and per host over it; absolute and plain only', () => {
    const doc = { ...valid(), zookeeper: { javaHome: '/usr/java/jdk1.8.0_202' } };
    doc.hosts[1] = { name: 'LZY-02', javaHome: '/opt/jdk8' } as (typeof doc.hosts)[number];
    const inv = validateInventory(doc, 'inv.yaml');
    assert.equal(inv.cluster.javaHome, '/usr/java/jdk1.8.0_202');
    assert.equal(inv.hosts[1]?.javaHome, '/opt/jdk8');
    assert.equal(inv.hosts[0]?.javaHome, undefined);
    for (const bad of ['jdk8', '~/jdk', '/opt/jdk 8', '/opt/$(id)'])
      assert.match(
        problem({ ...valid(), zookeeper: { javaHome: bad } }),
        /zookeeper\.javaHome: .* is not a valid absolute path/,
        bad,
      );
  });

  test('a host whose name is empty is named, never dropped', () => {
    const hosts = [{ name: 'LZY-01' }, { name: null }, { name: 'LZY-03' }];
    assert.match(problem({ hosts }), /hosts\[1\]\.name: missing/);
  });

  test('a directory that is the home, above it or a system directory is refused', () => {
    for (const [key, value, why] of [
      ['dataDir', '~', 'is the home directory itself'],
      ['dataLogDir', '~/..', 'has a .. component'],
      ['installDir', '/', 'is a system directory'],
      ['serverLogDir', '/etc/zk', 'lies in a system directory'],
    ] as const)
      assert.match(
        problem({ ...valid(), zookeeper: { [key]: value } }),
        new RegExp(`zookeeper\\.${key}: ${value.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} ${why}`),
      );
    assert.equal(
      validateInventory({ ...valid(), zookeeper: { dataDir: '/data/zookeeper' } }, 'i').cluster.dataDir,
      '/data/zookeeper',
    );
  });

  test('unknown keys are named with a did-you-mean', () => {
    const doc = { ...valid(), zookeper: {} } as Record<string, unknown>;
    assert.match(problem(doc), /zookeper: unknown key\s+fix: did you mean "zookeeper"\?/);
    assert.match(
      problem({ ...valid(), ssh: { usr: 'admin' } }),
      /ssh\.usr: unknown key\s+fix: did you mean "user"\?/,
    );
    const hosts = [{ name: 'a', myId: 1 }, { name: 'b' }, { name: 'c' }];
    assert.match(problem({ hosts }), /hosts\[0\]\.myId: unknown key\s+fix: did you mean "myid"\?/);
  });

  test('wrong types are named with the key path', () => {
    assert.match(
      problem({ ...valid(), zookeeper: { clientPort: '2181x' } }),
      /zookeeper\.clientPort: must be a whole number/,
    );
    assert.match(problem({ ...valid(), ssh: 'admin' }), /ssh: must be a mapping/);
    assert.match(problem({ hosts: 'LZY-01' }), /hosts: must be a non-empty list/);
    assert.match(
      problem({ ...valid(), zookeeper: { settings: ['a'] } }),
      /zookeeper\.settings: must be a mapping/,
    );
  });

  test('no hosts, an empty document and a host without a name are refused', () => {
    assert.match(problem({ ssh: { user: 'admin' } }), /hosts: missing/);
    assert.match(problem({ hosts: [] }), /hosts: must be a non-empty list/);
    assert.match(problem(null), /the inventory is empty/);
    assert.match(problem({ hosts: [{ myid: 1 }] }), /hosts\[0\]\.name: missing/);
  });

  test('duplicate names, addresses and myids are refused', () => {
    assert.match(
      problem({ hosts: [{ name: 'a' }, { name: 'A' }, { name: 'c' }] }),
      /hosts\[1\]: name "a" is already used by hosts\[0\]/,
    );
    assert.match(
      problem({
        hosts: [{ name: 'a', address: '10.0.0.1' }, { name: 'b', address: '10.0.0.1' }, { name: 'c' }],
      }),
      /hosts\[1\]: SSH address "10\.0\.0\.1:22" is already used/,
    );
    assert.match(
      problem({ hosts: [{ name: 'a', myid: 2 }, { name: 'b' }, { name: 'c' }] }),
      /hosts\[1\]: myid "2" is already used by hosts\[0\]/,
    );
  });

  test('myid outside 1-255 is refused', () => {
    for (const myid of [0, 256, -1, 1.5]) {
      assert.match(
        problem({ hosts: [{ name: 'a', myid }, { name: 'b' }, { name: 'c' }] }),
        /hosts\[0\]\.myid/,
      );
    }
  });

  test('an even number of servers is a warning, not an error', () => {
    const inv = validateInventory(
      { hosts: [{ name: 'a' }, { name: 'b' }, { name: 'c' }, { name: 'd' }] },
      'inv.yaml',
    );
    assert.equal(inv.warnings.length, 1);
    assert.match(inv.warnings[0] ?? '', /4 servers/);
  });

  test('values with shell metacharacters, spaces, quotes or newlines are refused', () => {
    const evil = ['a b', "a'b", 'a"b', 'a;b', '$(reboot)', '`id`', 'a\nb', 'a|b', 'a&b', 'a>b'];
    for (const value of evil) {
      assert.match(
        problem({ hosts: [{ name: value }, { name: 'b' }, { name: 'c' }] }),
        /hosts\[0\]\.name: .* is not a valid host name/,
      );
      assert.match(problem({ ...valid(), ssh: { user: value } }), /ssh\.user: .* is not a valid user name/);
      assert.match(
        problem({ ...valid(), zookeeper: { dataDir: `~/${value}` } }),
        /zookeeper\.dataDir: .* is not a valid/,
      );
      assert.match(
        problem({ ...valid(), zookeeper: { settings: { x: value } } }),
        /zookeeper\.settings\.x: .* is not a safe value/,
      );
    }
  });

  test('relative remote paths are refused; ~/ and absolute ones accepted', () => {
    assert.match(problem({ ...valid(), zookeeper: { dataDir: 'data' } }), /zookeeper\.dataDir/);
    const inv = validateInventory(
      { ...valid(), zookeeper: { installDir: '/opt/zk', dataDir: '~/d' } },
      'inv.yaml',
    );
    assert.equal(inv.cluster.installDir, '/opt/zk');
    assert.equal(inv.cluster.dataLogDir, '/opt/zk/logs');
  });

  test('settings may not set what zkdeploy writes itself', () => {
    assert.match(
      problem({ ...valid(), zookeeper: { settings: { dataDir: '/x' } } }),
      /set zookeeper\.dataDir instead/,
    );
    assert.match(
      problem({ ...valid(), zookeeper: { settings: { 'server.1': 'a:1:2' } } }),
      /list the host under "hosts:"/,
    );
  });

  test('the same port twice is refused', () => {
    assert.match(
      problem({ ...valid(), zookeeper: { quorumPort: 2181 } }),
      /zookeeper\.quorumPort: 2181 is also zookeeper\.clientPort/,
    );
  });

  test('flags override the file and are checked by the same rules', () => {
    const inv = validateInventory(valid(), 'inv.yaml', { user: 'zk', firewall: 'skip', sshPort: 2222 });
    assert.equal(inv.cluster.ssh.user, 'zk');
    assert.equal(inv.cluster.firewall, 'skip');
    assert.equal(inv.cluster.ssh.port, 2222);
    assert.throws(() => validateInventory(valid(), 'inv.yaml', { user: 'a;b' }), /--user/);
  });

  test("every problem is listed at once: of the shape first, then of ZooKeeper's rules", () => {
    const shape = problem({ sssh: {}, hosts: [{ name: 'a', myid: 0 }, { name: 'a' }] });
    assert.match(shape, /2 problems/);
    assert.match(shape, /sssh: unknown key/);
    assert.match(shape, /hosts\[0\]\.myid: 0 is outside 1-255/);
    const rules = problem({
      zookeeper: { clientPort: 2888, dataDir: '~' },
      hosts: [{ name: 'a' }, { name: 'a' }, { name: 'c' }],
    });
    assert.match(rules, /3 problems/);
  });
});

describe('inventory file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zkdeploy-inv-'));
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  test('a missing file, bad YAML and duplicate keys are input errors naming the file', () => {
    assert.throws(() => loadInventory(join(dir, 'nope.yaml')), /nope\.yaml: no such inventory file/);
    assert.throws(() => loadInventory(write('bad.yaml', 'hosts: [a, b\n')), /bad\.yaml: not valid YAML/);
    assert.throws(
      () => loadInventory(write('dup.yaml', 'hosts: [a]\nhosts: [b]\n')),
      /dup\.yaml: not valid YAML/,
    );
    assert.throws(() => loadInventory(write('empty.yaml', '')), /empty\.yaml: the inventory is empty/);
  });

  test("ssh.identity: ~/ is this machine's home, a relative path the inventory's directory", () => {
    const tilde = loadInventory(write('tilde.yaml', 'ssh:\n  identity: ~/.ssh/zk\nhosts: [a, b, c]\n'));
    assert.equal(tilde.cluster.ssh.identity, join(homedir(), '.ssh', 'zk'));
    const relative = loadInventory(write('rel.yaml', 'ssh:\n  identity: keys/zk\nhosts: [a, b, c]\n'));
    assert.equal(relative.cluster.ssh.identity, join(dir, 'keys', 'zk'));
  });

  test('the shipped lzy.yaml is valid', async () => {
    const { repoRoot } = await import('../helpers/paths.js');
    const inv = loadInventory(join(repoRoot, 'inventories', 'lzy.yaml'));
    assert.equal(inv.hosts.length, 5);
    assert.equal(inv.cluster.ssh.user, 'admin');
  });

  test.after(() => rmSync(dir, { recursive: true, force: true }));
});
