import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DISABLE_FIREWALLD, STOP_FIREWALLD } from '../../src/firewall/commands.js';
import { decideFirewall, type FirewallFacts, firewallPrivilegedCommands } from '../../src/firewall/decide.js';
import { firewallProbe } from '../../src/firewall/probe.js';
import { commandLine } from '../../src/remote/become.js';

// What systemctl prints, from systemctl(1): is-active → active|inactive|failed|activating|unknown;
// is-enabled → enabled|disabled|masked|static|…, or an error for a unit that does not exist.
const facts = (over: Partial<FirewallFacts>): FirewallFacts => ({
  systemd: true,
  isActive: 'inactive',
  isEnabled: 'disabled',
  canSudo: true,
  isRoot: false,
  ...over,
});

describe('firewalld decision (the guide step 8)', () => {
  test('no systemd at all: not present, skipped', () => {
    const d = decideFirewall(facts({ systemd: false, isActive: '', isEnabled: '' }), 'disable');
    assert.equal(d.action, 'skip');
    assert.match(d.message, /not present/);
  });

  test('no firewalld unit: not present, whatever the exit codes said', () => {
    const missing = [
      {
        isActive: 'inactive',
        isEnabled: 'Failed to get unit file state for firewalld.service: No such file or directory',
      },
      { isActive: 'inactive', isEnabled: 'not-found' },
      { isActive: 'unknown', isEnabled: '' },
    ];
    for (const m of missing)
      assert.equal(decideFirewall(facts(m), 'disable').action, 'skip', JSON.stringify(m));
  });

  test('active and enabled: stop and disable, each an exact program (as sudoers names it), then check what systemctl reports', () => {
    const d = decideFirewall(facts({ isActive: 'active', isEnabled: 'enabled' }), 'disable');
    assert.equal(d.action, 'disable');
    if (d.action !== 'disable') return;
    assert.equal(d.privileged, true);
    assert.deepEqual(d.commands, [
      ['/usr/bin/systemctl', 'stop', 'firewalld'],
      ['/usr/bin/systemctl', 'disable', 'firewalld'],
    ]);
    assert.deepEqual(d.verify, {
      command: '! systemctl is-active --quiet firewalld && ! systemctl is-enabled --quiet firewalld',
      expect: 'firewalld is stopped and disabled',
    });
  });

  test('stopped but enabled: only disabled; as root without sudo', () => {
    const d = decideFirewall(
      facts({ isActive: 'inactive', isEnabled: 'enabled', isRoot: true, canSudo: false }),
      'disable',
    );
    assert.equal(d.action, 'disable');
    if (d.action === 'disable') {
      assert.equal(d.privileged, false);
      assert.deepEqual(d.commands, [['/usr/bin/systemctl', 'disable', 'firewalld']]);
    }
  });

  test('already stopped and disabled, or masked: nothing to do', () => {
    assert.equal(decideFirewall(facts({}), 'disable').action, 'none');
    assert.equal(decideFirewall(facts({ isEnabled: 'masked' }), 'disable').action, 'none');
  });

  test('sudo counts as possible when it allows exactly the two commands of step 8 and nothing else', () => {
    // Seen on a systemd host with firewalld: the narrow rule `check --become` prints made the old
    // `sudo -n true` question fail, and install was refused for want of a sudo it had.
    const probe = firewallProbe('LZY-02').join('\n');
    assert.ok(
      probe.includes(
        `sudo -n -l ${commandLine(STOP_FIREWALLD)} && sudo -n -l ${commandLine(DISABLE_FIREWALLD)}`,
      ),
    );
  });

  test('active but no passwordless sudo: a clear failure with the ways out', () => {
    const d = decideFirewall(facts({ isActive: 'active', isEnabled: 'enabled', canSudo: false }), 'disable');
    assert.equal(d.action, 'fail');
    if (d.action === 'fail') assert.match(d.fix, /--ask-become-pass.*--firewall skip/);
  });

  test('--firewall skip leaves even an active firewalld alone', () => {
    assert.equal(decideFirewall(facts({ isActive: 'active', isEnabled: 'enabled' }), 'skip').action, 'skip');
  });

  describe('--firewall open-ports: the ports added, firewalld kept on', () => {
    const zk = [2181, 2888, 3888];
    const on = (over: Partial<FirewallFacts>) =>
      facts({ isActive: 'active', isEnabled: 'enabled', runtimePorts: [], permanentPorts: [], ...over });

    const lines = (d: ReturnType<typeof decideFirewall>) =>
      'commands' in d ? d.commands.map((argv) => argv.join(' ')) : [];

    test("nothing open yet: all three added at runtime and permanently in the zone of the peers' interface, then queried; never stopped", () => {
      const d = decideFirewall(on({ peerDevice: 'eth1', zone: 'internal' }), 'open-ports', zk);
      assert.equal(d.action, 'open');
      assert.match(d.message, /zone internal \(eth1\)/);
      const adds = '--add-port=2181/tcp --add-port=2888/tcp --add-port=3888/tcp';
      assert.deepEqual(lines(d), [
        `/usr/bin/firewall-cmd --zone=internal ${adds}`,
        `/usr/bin/firewall-cmd --permanent --zone=internal ${adds}`,
        '/usr/bin/firewall-cmd --zone=internal --query-port=2181/tcp',
        '/usr/bin/firewall-cmd --zone=internal --query-port=2888/tcp',
        '/usr/bin/firewall-cmd --zone=internal --query-port=3888/tcp',
      ]);
    });

    test('an interface without a zone: the default zone (no --zone)', () => {
      const d = decideFirewall(on({ peerDevice: 'eth0' }), 'open-ports', zk);
      assert.match(d.message, /default zone/);
      assert.match(lines(d)[0] ?? '', /^\/usr\/bin\/firewall-cmd --add-port=2181/);
    });

    test('one port missing from one list: the same fixed commands (a sudoers rule stays exact); all open: nothing to do', () => {
      const some = decideFirewall(
        on({ runtimePorts: ['2181/tcp', '2888/tcp', '3888/tcp'], permanentPorts: ['2181/tcp', '22/tcp'] }),
        'open-ports',
        zk,
      );
      assert.match(some.message, /opened 2888\/tcp, 3888\/tcp/);
      assert.deepEqual(lines(some), lines(decideFirewall(on({}), 'open-ports', zk)));
      const all = ['2181/tcp', '2888/tcp', '3888/tcp'];
      const none = decideFirewall(on({ runtimePorts: all, permanentPorts: all }), 'open-ports', zk);
      assert.equal(none.action, 'none');
      assert.match(none.message, /already open/);
    });

    test('root needs no sudo; without sudo it fails with the fix; stopped: the permanent config only', () => {
      const asRoot = decideFirewall(on({ isRoot: true, canSudo: false }), 'open-ports', zk);
      assert.match(lines(asRoot)[0] ?? '', /^\/usr\/bin\/firewall-cmd --add-port/);
      assert.ok('privileged' in asRoot && !asRoot.privileged);
      const unlisted = { runtimePorts: undefined, permanentPorts: undefined };
      const denied = decideFirewall(on({ canSudo: false, ...unlisted }), 'open-ports', zk);
      assert.equal(denied.action, 'fail');
      // A narrow rule allows no `sudo true`, but the ports were listed through it: enough.
      assert.equal(decideFirewall(on({ canSudo: false }), 'open-ports', zk).action, 'open');
      // With --ask-become-pass the probe's `sudo -n` could not list them: all three are added.
      const withPassword = decideFirewall(
        on({ canSudo: true, passwordGiven: true, ...unlisted }),
        'open-ports',
        zk,
      );
      assert.equal(withPassword.action, 'open');
      assert.deepEqual(lines(withPassword), lines(decideFirewall(on({}), 'open-ports', zk)));
      assert.match('fix' in denied ? denied.fix : '', /2181\/tcp, 2888\/tcp, 3888\/tcp/);
      const stopped = decideFirewall(facts({ isActive: 'inactive', isEnabled: 'enabled' }), 'open-ports', zk);
      assert.deepEqual(lines(stopped), [
        '/usr/bin/firewall-offline-cmd --add-port=2181/tcp --add-port=2888/tcp --add-port=3888/tcp',
      ]);
    });

    test('every command a mode may run as root, for check --become and the sudoers rule', () => {
      const zone = { peerDevice: 'eth1', zone: 'internal' };
      assert.deepEqual(firewallPrivilegedCommands('skip', zone, zk), []);
      assert.deepEqual(
        firewallPrivilegedCommands('disable', zone, zk).map((a) => a.join(' ')),
        ['/usr/bin/systemctl stop firewalld', '/usr/bin/systemctl disable firewalld'],
      );
      const open = firewallPrivilegedCommands('open-ports', zone, zk).map((a) => a.join(' '));
      assert.ok(open.includes('/usr/bin/firewall-cmd --get-zone-of-interface=eth1'));
      assert.ok(open.includes('/usr/bin/firewall-cmd --permanent --zone=internal --list-ports'));
      for (const command of lines(decideFirewall(on(zone), 'open-ports', zk)))
        assert.ok(open.includes(command), command);
    });

    test('absent firewalld is skipped, as with disable', () => {
      assert.equal(decideFirewall(facts({ systemd: false }), 'open-ports', zk).action, 'skip');
      assert.equal(
        decideFirewall(facts({ isActive: 'unknown', isEnabled: 'not-found' }), 'open-ports', zk).action,
        'skip',
      );
    });
  });
});
