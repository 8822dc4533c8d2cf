// How privileged commands are run: one sudo for the whole command; the password only on stdin.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { becomeCommand, sudo } from '../../src/remote/become.js';

describe('become', () => {
  test('passwordless: sudo -n around the whole command, as root by default', () => {
    const run = becomeCommand('systemctl stop firewalld && systemctl disable firewalld', {
      user: 'root',
      password: undefined,
    });
    assert.equal(run.command, "sudo -n -- sh -c 'systemctl stop firewalld && systemctl disable firewalld'");
    assert.equal(run.stdin, undefined);
  });

  test('with a password: sudo -S without a prompt, the password on stdin and never in the command', () => {
    const secret = "pa ss'word$(id)";
    const run = becomeCommand('true', { user: 'nobody', password: secret });
    assert.equal(run.command, "sudo -S -p '' -u nobody -- sh -c true");
    assert.equal(run.stdin, `${secret}\n`);
    assert.ok(!run.command.includes('pa ss'));
  });

  test('sudo of an exact program, as a sudoers rule names it', () => {
    assert.equal(
      sudo({ user: 'nobody', password: 'x' }, '/bin/true').command,
      "sudo -S -p '' -u nobody -- /bin/true",
    );
  });
});
