// ~/.ssh/config and the precedence of SSH settings: flags > inventory > ssh config > defaults.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { HostSpec, SshGiven } from '../../src/inventory/types.js';
import { validateInventory } from '../../src/inventory/validate.js';
import { parseProxyJump, resolveRoute } from '../../src/ssh/route.js';
import { loadSshConfig } from '../../src/ssh/ssh-config.js';

const dir = mkdtempSync(join(tmpdir(), 'zkdeploy-sshcfg-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function configFile(text: string): string {
  const path = join(dir, `config-${Math.random().toString(36).slice(2)}`);
  writeFileSync(path, text);
  return path;
}

const CONFIG = `
Host bastion
  HostName 10.0.0.2
  User jump
  Port 2200
  IdentityFile ~/.ssh/bastion_key
  UserKnownHostsFile ~/.ssh/known_hosts.bastion

Host zk-*
  HostName %h.internal
  User zookeeper
  Port 2222
  IdentityFile ~/.ssh/zk_key
  ProxyJump bastion
  UserKnownHostsFile /etc/zk/known_hosts
  StrictHostKeyChecking no

Host *
  User fallback
`;

const host = (name: string, extra: Partial<HostSpec> = {}): HostSpec => ({
  name,
  address: undefined,
  port: undefined,
  proxyJump: undefined,
  myid: 1,
  ...extra,
});
const nothingGiven: SshGiven = {
  user: undefined,
  port: undefined,
  identity: undefined,
  proxyJump: undefined,
};

describe('ssh config and routes', () => {
  test('ssh config fills what the inventory leaves unset, per host pattern, with tokens expanded', () => {
    const route = resolveRoute(host('zk-1'), nothingGiven, loadSshConfig(configFile(CONFIG)), false);
    assert.equal(route.target.address, 'zk-1.internal');
    assert.equal(route.target.user, 'zookeeper');
    assert.equal(route.target.port, 2222);
    assert.deepEqual(route.target.identityFiles, [join(homedir(), '.ssh', 'zk_key')]);
    assert.deepEqual(route.target.knownHostsFiles, ['/etc/zk/known_hosts']);
    assert.equal(route.jumps.length, 1);
    assert.deepEqual(
      [route.jumps[0]?.address, route.jumps[0]?.user, route.jumps[0]?.port],
      ['10.0.0.2', 'jump', 2200],
      'the jump host is looked up in the ssh config too',
    );
    assert.deepEqual(route.jumps[0]?.knownHostsFiles, [join(homedir(), '.ssh', 'known_hosts.bastion')]);
  });

  test('StrictHostKeyChecking no is taken as accept-new, with a warning; never as "ignore keys"', () => {
    const route = resolveRoute(host('zk-1'), nothingGiven, loadSshConfig(configFile(CONFIG)), false);
    assert.equal(route.target.acceptNewHostKeys, true);
    assert.match(route.warnings.join('\n'), /zk-1: StrictHostKeyChecking no is taken as accept-new/);
    assert.equal(route.jumps[0]?.acceptNewHostKeys, false, 'the bastion keeps strict checking');
  });

  test('ProxyCommand, CertificateFile, IdentitiesOnly, IdentityAgent: each named at run time, never silently ignored', () => {
    const file = configFile(
      'Host zk-*\n  ProxyCommand nc %h %p\n  CertificateFile ~/.ssh/zk-cert.pub\n  IdentitiesOnly yes\n  IdentityAgent none\n',
    );
    const route = resolveRoute(host('zk-1'), nothingGiven, loadSshConfig(file), false);
    for (const key of ['ProxyCommand', 'CertificateFile', 'IdentitiesOnly', 'IdentityAgent'])
      assert.match(
        route.warnings.join('\n'),
        new RegExp(`sets ${key} for zk-1, which zkdeploy does not honour: `),
      );
    assert.deepEqual(resolveRoute(host('other'), nothingGiven, loadSshConfig(file), false).warnings, []);
  });

  test('the inventory and flags win over the ssh config', () => {
    const given: SshGiven = { user: 'admin', port: 22, identity: '/keys/given', proxyJump: 'none' };
    const route = resolveRoute(
      host('zk-1', { address: '192.0.2.7' }),
      given,
      loadSshConfig(configFile(CONFIG)),
      false,
    );
    assert.deepEqual(
      [route.target.address, route.target.user, route.target.port, route.target.requiredIdentity],
      ['192.0.2.7', 'admin', 22, '/keys/given'],
    );
    assert.deepEqual(route.jumps, [], 'ProxyJump none in the inventory turns the config’s jump off');
    const perHost = resolveRoute(
      host('zk-1', { port: 2022 }),
      given,
      loadSshConfig(configFile(CONFIG)),
      false,
    );
    assert.equal(perHost.target.port, 2022, "a host's own port beats ssh.port");
  });

  test('without any ssh config: the name, port 22, the local user, no jumps', () => {
    const none = loadSshConfig(undefined);
    const route = resolveRoute(
      host('LZY-01'),
      nothingGiven,
      { file: undefined, lookup: () => none.lookup('x') },
      false,
    );
    assert.equal(route.target.address, 'LZY-01');
    assert.equal(route.target.port, 22);
    assert.equal(route.jumps.length, 0);
    assert.equal(route.target.acceptNewHostKeys, false);
  });

  test('Host * applies last, as ssh does: the first value found wins', () => {
    const route = resolveRoute(host('other'), nothingGiven, loadSshConfig(configFile(CONFIG)), false);
    assert.equal(route.target.user, 'fallback');
  });

  test('ProxyJump: several hops, users and ports', () => {
    assert.deepEqual(parseProxyJump('ops@gw1:2200,gw2'), [
      { user: 'ops', host: 'gw1', port: 2200 },
      { user: undefined, host: 'gw2', port: undefined },
    ]);
    assert.deepEqual(parseProxyJump('none'), []);
    assert.deepEqual(parseProxyJump(undefined), []);
  });

  test('bad input names the file and the host; a missing --ssh-config is refused', () => {
    assert.throws(
      () => loadSshConfig(configFile('Host zk-*\n  Port twenty\n')).lookup('zk-3'),
      /config-.*: Port "twenty" for host zk-3 is not a port number/,
    );
    assert.throws(() => loadSshConfig(join(dir, 'absent')), /absent: no such SSH config file/);
  });

  test('the inventory accepts proxyJump (all hosts, or one) and refuses a malformed one', () => {
    const hosts = [{ name: 'a' }, { name: 'b', proxyJump: 'gw2' }, { name: 'c' }];
    const inv = validateInventory({ ssh: { proxyJump: 'admin@gw:22' }, hosts }, 'inv.yaml');
    assert.equal(inv.cluster.ssh.proxyJump, 'admin@gw:22');
    assert.equal(inv.hosts[1]?.proxyJump, 'gw2');
    assert.throws(
      () => validateInventory({ ssh: { proxyJump: 'gw; rm -rf /' }, hosts }, 'inv.yaml'),
      /ssh\.proxyJump: .* is not a valid jump host list/,
    );
  });

  test('Include: globbed files are read where the Include stands, in order; missing ones ignored', () => {
    const sub = join(dir, 'conf.d');
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, '10-zk'), 'Host zk-*\n  User fromInclude\n  Port 2201\n');
    writeFileSync(join(sub, '20-other'), 'Host zk-*\n  User tooLate\n');
    const main = configFile(
      `Include ${sub}/*\nInclude ${join(dir, 'absent')}\nHost *\n  User fallback\n  Port 2299\n`,
    );
    const route = resolveRoute(host('zk-1'), nothingGiven, loadSshConfig(main), false);
    assert.equal(route.target.user, 'fromInclude', 'the first value found wins, included files in order');
    assert.equal(route.target.port, 2201);
    const looping = configFile('Include SELF\n');
    writeFileSync(looping, `Include ${looping}\n`);
    assert.throws(() => loadSshConfig(looping), /Include nested more than 16 deep/);
  });
});
