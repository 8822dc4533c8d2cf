import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { absoluteRemotePath, isWithin } from '../../src/remote/paths.js';
import { shellPath, shellQuote } from '../../src/remote/quote.js';

/** What bash makes of a word: the proof that quoting keeps a value one inert argument. */
const bashSees = (word: string, home = '/home/admin') =>
  execFileSync('bash', ['-c', `printf '%s' ${word}`], {
    encoding: 'utf8',
    env: { HOME: home, PATH: process.env.PATH },
  });

describe('shell quoting', () => {
  test('every value reaches the shell as exactly itself, never as code', () => {
    const values = [
      "it's",
      'a b',
      '$(touch /tmp/zkdeploy-pwned)',
      '`id`',
      'a;b',
      'a\nb',
      '"q"',
      '\\',
      '*',
      '~',
      '',
      '-n',
    ];
    for (const value of values)
      assert.equal(bashSees(shellQuote(value)), value, `value ${JSON.stringify(value)}`);
  });

  test('safe words stay readable', () => {
    assert.equal(shellQuote('/home/admin/zookeeper'), '/home/admin/zookeeper');
    assert.equal(shellQuote('a b'), "'a b'");
  });

  test('~/ paths expand to the remote home, the rest stays quoted', () => {
    assert.equal(bashSees(shellPath('~/zookeeper/data'), '/home/zk'), '/home/zk/zookeeper/data');
    assert.equal(bashSees(shellPath('~'), '/home/zk'), '/home/zk');
    assert.equal(bashSees(shellPath('~/a b/$(x)'), '/home/zk'), '/home/zk/a b/$(x)');
    assert.equal(bashSees(shellPath('/opt/~x')), '/opt/~x');
  });

  test('remote paths are made absolute with the home, and containment is by path, not prefix', () => {
    assert.equal(absoluteRemotePath('~/zookeeper/data', '/home/admin'), '/home/admin/zookeeper/data');
    assert.equal(absoluteRemotePath('/var/lib/zk/../zk2', '/home/admin'), '/var/lib/zk2');
    assert.ok(isWithin('/a/b/c', '/a/b'));
    assert.ok(!isWithin('/a/bc', '/a/b'));
  });
});
