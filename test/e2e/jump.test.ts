// Jump hosts: the five hosts moved behind a bastion (lab.sh isolate on), reachable only through it.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { assertNothingChanged, labSuite } from '../helpers/cli.js';
import { bastionIp, lab, labState, labTarball, lzyHosts, requireLab } from '../helpers/lab.js';
import { repoRoot } from '../helpers/paths.js';

const inventory = join(repoRoot, 'inventories', 'lzy.yaml');
const bastion = bastionIp;

describe('jump hosts (ProxyJump through a bastion)', () => {
  const { cwd, run } = labSuite();
  const sshConfig = join(cwd, 'ssh_config');
  before(() => {
    if (process.getuid?.() !== 0) return;
    lab('isolate', 'on');
    writeFileSync(
      sshConfig,
      [
        'Host bastion',
        `  HostName ${bastion}`,
        '  User admin',
        `  UserKnownHostsFile ${join(labState, 'bastion_known_hosts')}`,
        'Host LZY-*',
        '  ProxyJump bastion',
        '',
      ].join('\n'),
    );
  });
  after(() => {
    if (process.getuid?.() === 0) lab('isolate', 'off');
  });

  test('the machine itself cannot reach the hosts', async (t) => {
    if (!requireLab(t)) return;
    const direct = await run(
      'status',
      '-i',
      inventory,
      '--ssh-config',
      '/dev/null',
      '--connect-timeout',
      '2',
    );
    assert.notEqual(direct.code, 0);
    assert.equal(direct.stdout.match(/^LZY-0\d\s+\d\s+unreachable/gm)?.length, 5, direct.stdout);
  });

  test('install --start, stop, start, status and a re-run work through the bastion named in the ssh config', async (t) => {
    if (!requireLab(t)) return;
    const installed = await run(
      'install',
      '-i',
      inventory,
      '-t',
      labTarball(),
      '--ssh-config',
      sshConfig,
      '--start',
    );
    assert.equal(installed.code, 0, installed.stdout + installed.stderr);
    assert.match(installed.stdout, /^healthy: 1 leader, 4 followers/m);
    assert.equal((await run('stop', '--ssh-config', sshConfig)).code, 0);
    const started = await run('start', '--ssh-config', sshConfig);
    assert.equal(started.code, 0, started.stdout + started.stderr);
    const status = await run('status', '--ssh-config', sshConfig);
    assert.equal(status.code, 0, status.stdout);
    const again = await run('install', '--ssh-config', sshConfig);
    assert.equal(again.code, 0);
    assertNothingChanged(again.stdout, lzyHosts);
  });

  test("the inventory's ssh.proxyJump works too, and every hop's host key is checked", async (t) => {
    if (!requireLab(t)) return;
    const withJump = join(cwd, 'lzy-jump.yaml');
    writeFileSync(
      withJump,
      readFileSync(inventory, 'utf8').replace(/^ssh:\n/m, `ssh:\n  proxyJump: admin@${bastion}\n`),
    );
    // The bastion's key is in no known_hosts that this run reads: refused, naming the jump host.
    const refused = await run('status', '-i', withJump, '--ssh-config', '/dev/null');
    // status answers a question: hosts it cannot reach make the answer no, 2 (install would fail, 1).
    assert.equal(refused.code, 2, refused.stdout + refused.stderr);
    assert.match(
      refused.stdout + refused.stderr,
      new RegExp(`LZY-01: jump host ${bastion}: host key not known`),
    );
    // Trusted through a config that names only the bastion's known_hosts: the inventory's jump is used.
    const bastionOnly = join(cwd, 'bastion_only');
    writeFileSync(
      bastionOnly,
      `Host ${bastion}\n  UserKnownHostsFile ${join(labState, 'bastion_known_hosts')}\n`,
    );
    const through = await run('status', '-i', withJump, '--ssh-config', bastionOnly);
    assert.equal(through.code, 0, through.stdout + through.stderr);
    assert.match(through.stdout, /^healthy: 1 leader, 4 followers/m);
  });

  test('two hops (bastion, then bastion again through itself); StrictHostKeyChecking no records the key, with a warning', async (t) => {
    if (!requireLab(t)) return;
    const twoHops = join(cwd, 'lzy-two-hops.yaml');
    writeFileSync(
      twoHops,
      readFileSync(inventory, 'utf8').replace(/^ssh:\n/m, 'ssh:\n  proxyJump: bastion,bastion\n'),
    );
    const freshKnownHosts = join(cwd, 'bastion_fresh_known_hosts');
    const config = join(cwd, 'strict_no');
    writeFileSync(
      config,
      `Host bastion\n  HostName ${bastion}\n  User admin\n  UserKnownHostsFile ${freshKnownHosts}\n  StrictHostKeyChecking no\n`,
    );
    const first = await run('status', '-i', twoHops, '--ssh-config', config);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.match(first.stderr, /warning: bastion: StrictHostKeyChecking no is taken as accept-new/);
    assert.match(readFileSync(freshKnownHosts, 'utf8'), /ssh-ed25519 /, 'the bastion key was recorded');
    // Recorded once, then checked: a changed key would now be refused like any other.
    assert.equal(readFileSync(freshKnownHosts, 'utf8').trim().split('\n').length, 1);
    const again = await run('status', '-i', twoHops, '--ssh-config', config);
    assert.equal(again.code, 0);
  });

  test('a host behind the bastion gone silent: the forward through the jump host fails at --connect-timeout', async (t) => {
    if (!requireLab(t)) return;
    // The bastion's sshd would wait minutes for its kernel to give up on LZY-03's dropped SYNs.
    lab('blackhole', 'LZY-03');
    after(() => lab('fast', 'LZY-03'));
    const status = await run('status', '--ssh-config', sshConfig, '--connect-timeout', '2');
    assert.notEqual(status.code, 0);
    assert.match(
      status.stdout + status.stderr,
      /LZY-03.*cannot reach LZY-03:22 through jump host bastion: no answer within 2s/,
    );
    assert.equal(status.stdout.match(/^LZY-0[1245]\s+\d\s+(leader|follower)/gm)?.length, 4, status.stdout);
  });
});
