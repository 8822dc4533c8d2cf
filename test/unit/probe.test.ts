import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { validateInventory } from '../../src/inventory/validate.js';
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

  test('the probe script only reads: no command in it writes, moves or deletes', () => {
    const inv = validateInventory({ hosts: ['a', 'b', 'c'] }, 'inv.yaml');
    const script = probeScript(hostPaths(inv.cluster, 'zookeeper-3.4.9.tar.gz', 'zookeeper-3.4.9'));
    assert.doesNotMatch(script, /\b(rm|mv|mkdir|touch|tee|cp)\b|[^2&]>\s*[^&/]/);
    assert.match(script, /"\$HOME"\/setups\/zookeeper-3\.4\.9\.tar\.gz/);
  });
});
