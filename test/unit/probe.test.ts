import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkScript } from '../../src/check/probe.js';
import { validateInventory } from '../../src/inventory/validate.js';
import { serverInstalledTest } from '../../src/ops/server-host.js';
import { hostPaths, parseProbe, probeScript } from '../../src/plan/probe.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('probe', () => {
  test('its output is parsed into facts; absent files stay absent, empty ones stay empty', () => {
    const output = [
      '@@home',
      '/home/admin',
      '@@uid',
      '1000',
      '@@java',
      '/usr/bin/java',
      '@@javaHomeFromLogin',
      '@@tarballSha256',
      'abc123',
      '@@releaseStamp',
      '@@file:profile',
      `present${b64('# profile\n')}`,
      '@@file:zooCfg',
      '@@file:javaEnv',
      'present',
      '@@file:myid',
      `present${b64('3\n')}`,
      '@@dir:dataDir',
      'yes',
      '@@dir:dataLogDir',
      'no',
      '@@dir:serverLogDir',
      'no',
      '@@systemd',
      'no',
    ].join('\n');
    const facts = parseProbe(output);
    assert.equal(facts.home, '/home/admin');
    assert.equal(facts.uid, 1000);
    assert.equal(facts.javaOnPath, '/usr/bin/java');
    assert.equal(facts.javaHomeFromLogin, undefined);
    assert.equal(facts.tarballSha256, 'abc123');
    assert.equal(facts.releaseStamp, undefined);
    assert.deepEqual(facts.files, { profile: '# profile\n', zooCfg: undefined, javaEnv: '', myid: '3\n' });
    assert.deepEqual(facts.dirs, { dataDir: true, dataLogDir: false, serverLogDir: false });
    assert.equal(facts.firewall.systemd, false);
  });

  test('output without home is our bug, not a host fact', () => {
    assert.throws(() => parseProbe('garbage'), /probe output not understood/);
  });

  test('the probe scripts only read: no command in them writes, moves, links or deletes', () => {
    const inv = validateInventory({ hosts: ['a', 'b', 'c'] }, 'inv.yaml');
    const script = probeScript(hostPaths(inv.cluster, 'zookeeper-3.4.9.tar.gz', 'zookeeper-3.4.9'), 'b');
    assert.deepEqual(writesIn(script), []);
    assert.match(script, /"\$HOME"\/setups\/zookeeper-3\.4\.9\.tar\.gz/);
    const check = checkScript({
      disks: { dataDir: '~/zookeeper/data' },
      names: ['a', 'b', '10.0.0.3'],
      aliveTest: 'test -f ~/zookeeper/data/zookeeper_server.pid',
      installedTest: serverInstalledTest(inv.cluster),
      peer: 'b',
      javaHome: '/opt/jdk',
    });
    assert.deepEqual(writesIn(check), []);
    // The network check's listener and connections are Perl or Python programs, not shell:
    // test/unit/network.test.ts runs them and sees what they leave behind.
  });

  test('the read-only detector itself catches every kind of write', () => {
    for (const line of [
      'rm -f x',
      'rmdir d',
      'mv a b',
      'cp a b',
      'mkdir -p d',
      'touch f',
      'chmod 600 f',
      'chown admin f',
      'ln -s a b',
      'truncate -s 0 f',
      'sed -i s/a/b/ f',
      'echo x | tee f',
      'dd if=/dev/zero of=f',
      'echo x > /etc/motd',
      'echo x >> ~/.bashrc',
      'echo x 1>"$HOME/f"',
    ])
      assert.notDeepEqual(writesIn(line), [], line);
    assert.deepEqual(
      writesIn('a 2>/dev/null; b >/dev/null 2>&1; c >&2; exec 3<>/dev/tcp/h/22; sed -n 1p f'),
      [],
    );
  });
});

/** The fragments of a script that could change a file: write commands, and redirections to files. */
function writesIn(script: string): string[] {
  const commands =
    script.match(
      /(^|[\s;|&(`{]|\$\()(rm|rmdir|mv|cp|mkdir|touch|chmod|chown|ln|truncate|tee|dd|install|sed\s+-i)\b/g,
    ) ?? [];
  const redirects = [...script.matchAll(/\d?>>?\s*("[^"]*"|[^\s;|&)]+)/g)]
    .map((m) => m[0])
    .filter((r) => !/>\s*(\/dev\/null|&\d|\/dev\/tcp\/)/.test(r) && !/<>/.test(r));
  return [...commands.map((c) => c.trim()), ...redirects];
}

describe('every probe script is valid shell', () => {
  test('bash -n accepts the install, check, upgrade and membership probes (a syntax error would empty every section after it)', async () => {
    const { spawnSync } = await import('node:child_process');
    const { upgradeProbeScript } = await import('../../src/upgrade/host-state.js');
    const { swapMarkerSection } = await import('../../src/ops/swap-marker.js');
    const inv = validateInventory({ hosts: ['a', 'b', 'c'] }, 'inv.yaml');
    const scripts = {
      install: probeScript(hostPaths(inv.cluster, 'zookeeper-3.4.9.tar.gz', 'zookeeper-3.4.9'), 'b'),
      check: checkScript({
        disks: { dataDir: '~/zookeeper/data' },
        names: ['a'],
        aliveTest: 'true',
        installedTest: serverInstalledTest(inv.cluster),
      }),
      upgrade: upgradeProbeScript(inv.cluster),
      swap: swapMarkerSection(inv.cluster),
    };
    for (const [name, script] of Object.entries(scripts)) {
      const checked = spawnSync('bash', ['-n', '-c', script], { encoding: 'utf8' });
      assert.equal(checked.status, 0, `${name}: ${checked.stderr}`);
    }
  });
});
