import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decideFirewall, type FirewallFacts } from '../../src/firewall/decide.js';

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

  test('active and enabled: stop and disable (as root, through sudo), then check what systemctl reports', () => {
    const d = decideFirewall(facts({ isActive: 'active', isEnabled: 'enabled' }), 'disable');
    assert.equal(d.action, 'disable');
    if (d.action !== 'disable') return;
    assert.equal(d.privileged, true);
    assert.match(d.command, /^systemctl stop firewalld && systemctl disable firewalld/);
    assert.match(
      d.command,
      /! systemctl is-active --quiet firewalld && ! systemctl is-enabled --quiet firewalld$/,
    );
  });

  test('stopped but enabled: only disabled; as root without sudo', () => {
    const d = decideFirewall(
      facts({ isActive: 'inactive', isEnabled: 'enabled', isRoot: true, canSudo: false }),
      'disable',
    );
    assert.equal(d.action, 'disable');
    if (d.action === 'disable') {
      assert.equal(d.privileged, false);
      assert.doesNotMatch(d.command, /sudo|systemctl stop/);
      assert.match(d.command, /^systemctl disable firewalld/);
    }
  });

  test('already stopped and disabled, or masked: nothing to do', () => {
    assert.equal(decideFirewall(facts({}), 'disable').action, 'none');
    assert.equal(decideFirewall(facts({ isEnabled: 'masked' }), 'disable').action, 'none');
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

    test('nothing open yet: all three added at runtime and permanently, then queried; never stopped', () => {
      const d = decideFirewall(on({}), 'open-ports', zk);
      assert.equal(d.action, 'open');
      const command = 'command' in d ? d.command : '';
      assert.match(command, /^firewall-cmd --add-port=2181\/tcp --add-port=2888\/tcp --add-port=3888\/tcp/);
      assert.match(
        command,
        /firewall-cmd --permanent --add-port=2181\/tcp --add-port=2888\/tcp --add-port=3888\/tcp/,
      );
      assert.match(command, /--query-port=3888\/tcp/);
      assert.doesNotMatch(command, /systemctl (stop|disable)/);
    });

    test('only what is missing from each list is added; all open: nothing to do', () => {
      const d = decideFirewall(
        on({ runtimePorts: ['2181/tcp', '2888/tcp', '3888/tcp'], permanentPorts: ['2181/tcp', '22/tcp'] }),
        'open-ports',
        zk,
      );
      const command = 'command' in d ? d.command : '';
      assert.doesNotMatch(command, /firewall-cmd --add-port/, 'runtime already has them');
      assert.match(command, /--permanent --add-port=2888\/tcp --add-port=3888\/tcp >/);
      const all = ['2181/tcp', '2888/tcp', '3888/tcp'];
      const none = decideFirewall(on({ runtimePorts: all, permanentPorts: all }), 'open-ports', zk);
      assert.equal(none.action, 'none');
      assert.match(none.message, /already open/);
    });

    test('root needs no sudo; without sudo it fails with the fix; stopped: the permanent config only', () => {
      const asRoot = decideFirewall(on({ isRoot: true, canSudo: false }), 'open-ports', zk);
      assert.match('command' in asRoot ? asRoot.command : '', /^firewall-cmd --add-port/);
      assert.ok('privileged' in asRoot && !asRoot.privileged);
      const denied = decideFirewall(on({ canSudo: false }), 'open-ports', zk);
      assert.equal(denied.action, 'fail');
      assert.match('fix' in denied ? denied.fix : '', /2181\/tcp, 2888\/tcp, 3888\/tcp/);
      const stopped = decideFirewall(facts({ isActive: 'inactive', isEnabled: 'enabled' }), 'open-ports', zk);
      assert.match('command' in stopped ? stopped.command : '', /^firewall-offline-cmd --add-port=2181\/tcp/);
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
