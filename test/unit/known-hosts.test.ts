import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import { judgeHostKey, knownHostsName, parseKnownHosts } from '../../src/ssh/known-hosts.js';

function blob(type: string, body: string): Buffer {
  const t = Buffer.from(type);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(t.length);
  return Buffer.concat([len, t, Buffer.from(body)]);
}
const keyA = blob('ssh-ed25519', 'key-a');
const keyB = blob('ssh-ed25519', 'key-b');
const rsa = blob('ssh-rsa', 'key-r');
const b64 = (b: Buffer) => b.toString('base64');

describe('known_hosts', () => {
  test('plain names, comma lists, comments and markers are parsed', () => {
    const entries = parseKnownHosts(
      `# comment\n\nLZY-01,10.0.0.1 ssh-ed25519 ${b64(keyA)}\n@revoked LZY-09 ssh-ed25519 ${b64(keyB)}\nbroken\n`,
    );
    assert.equal(entries.length, 2);
    assert.deepEqual(entries[0]?.patterns, ['LZY-01', '10.0.0.1']);
    assert.equal(entries[1]?.marker, '@revoked');
  });

  test('a matching key is trusted, another key of the same type is changed, none is unknown', () => {
    const entries = parseKnownHosts(`LZY-01 ssh-ed25519 ${b64(keyA)}`);
    assert.equal(judgeHostKey(entries, ['LZY-01'], keyA), 'trusted');
    assert.equal(judgeHostKey(entries, ['LZY-01'], keyB), 'changed');
    assert.equal(judgeHostKey(entries, ['LZY-02'], keyA), 'unknown');
    assert.equal(judgeHostKey(entries, ['LZY-01'], rsa), 'unknown', 'a key of another type is not a change');
  });

  test('hashed names, wildcards, negations and non-default ports match as in OpenSSH', () => {
    const salt = Buffer.from('0123456789abcdef0123');
    const hash = createHmac('sha1', salt).update('[zk1]:2222').digest('base64');
    const entries = parseKnownHosts(
      `|1|${salt.toString('base64')}|${hash} ssh-ed25519 ${b64(keyA)}\nLZY-*,!LZY-05 ssh-ed25519 ${b64(keyB)}`,
    );
    assert.equal(judgeHostKey(entries, [knownHostsName('zk1', 2222)], keyA), 'trusted');
    assert.equal(judgeHostKey(entries, ['zk1'], keyA), 'unknown');
    assert.equal(judgeHostKey(entries, ['LZY-03'], keyB), 'trusted');
    assert.equal(judgeHostKey(entries, ['LZY-05'], keyB), 'unknown');
  });

  test('a revoked key is refused even when also listed', () => {
    const entries = parseKnownHosts(`LZY-01 ssh-ed25519 ${b64(keyA)}\n@revoked * ssh-ed25519 ${b64(keyA)}`);
    assert.equal(judgeHostKey(entries, ['LZY-01'], keyA), 'revoked');
  });
});
