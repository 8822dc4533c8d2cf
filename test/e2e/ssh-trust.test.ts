// Host keys are always verified, and connection problems name the host and the fix.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { scratchDir, zkdeploy } from '../helpers/cli.js';
import { hostIp, labKey, labTarball, requireLab } from '../helpers/lab.js';

/** A HOME with the lab's key and a known_hosts of our choosing: the operator's own ~/.ssh stays untouched. */
function home(dir: string, knownHosts: string): string {
  const ssh = join(dir, '.ssh');
  mkdirSync(ssh, { recursive: true, mode: 0o700 });
  copyFileSync(labKey, join(ssh, 'id_ed25519'));
  writeFileSync(join(ssh, 'known_hosts'), knownHosts);
  return dir;
}

describe('SSH trust', () => {
  const cwd = scratchDir();
  after(() => cwd.remove());
  const inventory = join(cwd.path, 'one.yaml');
  writeFileSync(inventory, 'ssh: { user: admin }\nfirewall: skip\nhosts:\n  - name: LZY-01\n');
  const run = (env: NodeJS.ProcessEnv, ...extra: string[]) =>
    zkdeploy(['install', '-i', inventory, '-t', labTarball(), ...extra], {
      cwd: cwd.path,
      env: { SSH_AUTH_SOCK: '', ...env },
    });

  test('an unknown host key is refused with its fingerprint and the way to accept it', async (t) => {
    if (!requireLab(t)) return;
    const HOME = home(join(cwd.path, 'unknown'), '');
    const refused = await run({ HOME });
    // install changes hosts: a host it cannot reach is a failure, 1 (status would answer 2, unhealthy).
    assert.equal(refused.code, 1);
    assert.match(refused.stdout + refused.stderr, /LZY-01: host key not known \(SHA256:[A-Za-z0-9+/]{43}\)/);
    assert.match(refused.stdout, /--accept-new-host-keys/);

    const accepted = await run({ HOME }, '--accept-new-host-keys');
    assert.equal(accepted.code, 0, accepted.stdout + accepted.stderr);
    assert.match(readFileSync(join(HOME, '.ssh', 'known_hosts'), 'utf8'), /^LZY-01 ssh-ed25519 /m);
    assert.equal((await run({ HOME })).code, 0, 'the accepted key is trusted from then on');
  });

  test('a changed host key is refused even with --accept-new-host-keys', async (t) => {
    if (!requireLab(t)) return;
    const otherKey = 'AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl';
    const HOME = home(join(cwd.path, 'changed'), `LZY-01 ssh-ed25519 ${otherKey}\n`);
    const result = await run({ HOME }, '--accept-new-host-keys');
    assert.equal(result.code, 1);
    assert.match(result.stdout + result.stderr, /host key has CHANGED \(now SHA256:/);
    assert.match(result.stdout, /ssh-keygen -f \S+known_hosts -R LZY-01`/);
  });

  test('a changed host key is refused under StrictHostKeyChecking no in the ssh config too', async (t) => {
    if (!requireLab(t)) return;
    const otherKey = 'AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl';
    const HOME = home(join(cwd.path, 'changed-lax'), `LZY-01 ssh-ed25519 ${otherKey}\n`);
    const config = join(cwd.path, 'lax_config');
    writeFileSync(config, 'Host *\n  StrictHostKeyChecking no\n  UserKnownHostsFile /dev/null\n');
    const result = await run({ HOME }, '--ssh-config', config);
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.match(result.stderr, /UserKnownHostsFile \/dev\/null is not honoured/);
    assert.match(result.stdout + result.stderr, /host key has CHANGED/);
    assert.doesNotMatch(result.stdout, /^LZY-01\s+changed/m, 'the host was touched');
  });

  test('a key the host does not accept: authentication refused, naming user, host and keys offered', async (t) => {
    if (!requireLab(t)) return;
    const dir = join(cwd.path, 'stranger');
    mkdirSync(dir, { recursive: true });
    const key = join(dir, 'id_ed25519');
    execFileSync('ssh-keygen', ['-q', '-N', '', '-t', 'ed25519', '-f', key]);
    const result = await run({}, '--identity', key);
    assert.equal(result.code, 1);
    assert.match(
      result.stdout,
      /LZY-01: authentication refused for admin@LZY-01:22 \(offered: .*stranger\/id_ed25519\)/,
    );
    assert.match(result.stdout, /fix: put your public key in ~admin\/\.ssh\/authorized_keys on LZY-01/);
  });

  test('a host where nothing listens (inside the lab subnet): the host and the fix are named', async (t) => {
    if (!requireLab(t)) return;
    const dead = join(cwd.path, 'dead.yaml');
    writeFileSync(dead, `ssh: { user: admin }\nhosts:\n  - name: LZY-99\n    address: ${hostIp(89)}\n`);
    const result = await zkdeploy(['install', '-i', dead, '-t', labTarball(), '--connect-timeout', '2'], {
      cwd: cwd.path,
    });
    assert.equal(result.code, 1);
    assert.match(
      result.stdout,
      /LZY-99: (no route to|connection refused by|no SSH answer from|connection to) admin@/,
    );
  });
});
