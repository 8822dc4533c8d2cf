// How privileged commands are run: exact programs through sudo, the password only on stdin.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sudo, sudoersRule } from '../../src/remote/become.js';

const stop = ['/usr/bin/systemctl', 'stop', 'firewalld'];

describe('become', () => {
  test('passwordless: sudo -n of the exact program (never sh -c), as root by default', () => {
    const run = sudo({ user: 'root', password: undefined }, stop);
    assert.equal(run.command, 'sudo -n -- /usr/bin/systemctl stop firewalld');
    assert.equal(run.answer, undefined);
  });

  test('with a password: typed when sudo asks with our prompt, never in the command', () => {
    const secret = "pa ss'word$(id)";
    const run = sudo({ user: 'nobody', password: secret }, ['/bin/true']);
    assert.equal(run.command, "sudo -p '[zkdeploy] sudo password: ' -u nobody -- /bin/true");
    assert.deepEqual(run.answer, { prompt: '[zkdeploy] sudo password: ', text: secret });
    assert.ok(!run.command.includes('pa ss'));
  });

  test('list: sudo -l asks about the command without running it', () => {
    assert.equal(
      sudo({ user: 'root', password: undefined }, stop, { list: true }).command,
      'sudo -n -l -- /usr/bin/systemctl stop firewalld',
    );
  });

  test('the sudoers rule names exactly the commands, escaping what sudoers(5) wants escaped', () => {
    const open = ['/usr/bin/firewall-cmd', '--zone=internal', '--add-port=2181/tcp'];
    assert.equal(
      sudoersRule('admin', { user: 'root', password: undefined }, [stop, open]),
      'admin ALL=(root) NOPASSWD: /usr/bin/systemctl stop firewalld, /usr/bin/firewall-cmd --zone\\=internal --add-port\\=2181/tcp',
    );
    assert.equal(
      sudoersRule('admin', { user: 'root', password: 'x' }, [stop]),
      'admin ALL=(root) /usr/bin/systemctl stop firewalld',
    );
  });
});
