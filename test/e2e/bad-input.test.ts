// Bad input on the lab: refused before any connection, nothing run or written on any host.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { scratchDir, zkdeploy } from '../helpers/cli.js';
import { asAdmin, hostNumbers, lab, labKey, labTarball, markersOnHosts, requireLab } from '../helpers/lab.js';
import { repoRoot } from '../helpers/paths.js';

const inventory = join(repoRoot, 'inventories', 'lzy.yaml');

describe('bad input', () => {
  const cwd = scratchDir();
  const run = (...args: string[]) => zkdeploy(args, { cwd: cwd.path });
  const untouched = () => {
    for (const n of hostNumbers())
      assert.equal(
        asAdmin(n, 'ls -A ~ | grep -c -e setups -e zookeeper -e pwned || true').trim(),
        '0',
        `host ${n} was touched`,
      );
  };
  before(() => {
    if (process.getuid?.() === 0) lab('reset');
  });
  after(() => cwd.remove());

  test('unknown command, unknown flag, conflicting flags: exit 64 with the usage', async () => {
    for (const args of [['bogus'], ['install', '--bogus'], ['status', '--json', '--raw']]) {
      const result = await run(...args);
      assert.equal(result.code, 64, args.join(' '));
      assert.match(result.stderr, /error: /);
      assert.match(result.stderr, /Usage: zkdeploy/);
    }
  });

  test('values that a shell would run are refused, and nothing they say ever runs anywhere', async (t) => {
    if (!requireLab(t)) return;
    // Relative names: run on a host they would land in its home (the commands' working directory),
    // run here in the scratch directory; both places are searched, and each host's /tmp too.
    // Each attempt can log in (the lab's user and key): were a value let through, its commands
    // would really run on the hosts, so the markers below are a check that can fail.
    const login = `ssh:\n  user: admin\n  identity: ${labKey}\n`;
    const attempts = [
      `${login}hosts:\n  - name: "LZY-01$(touch pwned-name)"\n  - name: LZY-02\n  - name: LZY-03\n`,
      'ssh:\n  user: "admin; touch pwned-user"\nhosts: [LZY-01, LZY-02, LZY-03]\n',
      `${login}zookeeper:\n  dataDir: "~/\`touch pwned-path\`"\nhosts: [LZY-01, LZY-02, LZY-03]\n`,
      `${login}zookeeper:\n  settings:\n    x: "a\\ntouch /tmp/pwned-setting"\nhosts: [LZY-01, LZY-02, LZY-03]\n`,
    ];
    const results = [];
    for (const [i, text] of attempts.entries()) {
      const file = join(cwd.path, `evil-${i}.yaml`);
      writeFileSync(file, text);
      results.push(await run('install', '-i', file, '-t', labTarball()));
    }
    // What ran is checked first: refusing a value is one defence, quoting it is the other, and this
    // claim must fail even where a broken refusal still ends in exit 3.
    for (const name of ['name', 'user', 'path', 'setting'])
      assert.equal(existsSync(join(cwd.path, `pwned-${name}`)), false, `pwned-${name} here`);
    assert.equal(existsSync('/tmp/pwned-setting'), false);
    assert.deepEqual(markersOnHosts(), []);
    for (const [i, result] of results.entries()) {
      assert.equal(result.code, 3, result.stderr);
      assert.match(result.stderr, new RegExp(`evil-${i}\\.yaml: 1 problem`));
    }
    untouched();
  });

  test('a tarball with an entry escaping the release is refused before any upload', async (t) => {
    if (!requireLab(t)) return;
    const tree = join(cwd.path, 'evil-release');
    mkdirSync(join(tree, 'zookeeper-3.8.0', 'bin'), { recursive: true });
    mkdirSync(join(tree, 'zookeeper-3.8.0', 'lib'), { recursive: true });
    writeFileSync(join(tree, 'zookeeper-3.8.0', 'bin', 'zkServer.sh'), '#!/bin/sh\n');
    writeFileSync(join(tree, 'zookeeper-3.8.0', 'lib', 'zookeeper-3.8.0.jar'), 'jar');
    symlinkSync('../../../.ssh/authorized_keys', join(tree, 'zookeeper-3.8.0', 'lib', 'keys'));
    const tarball = join(cwd.path, 'zookeeper-3.8.0.tar.gz');
    execFileSync('tar', ['-czf', tarball, '-C', tree, 'zookeeper-3.8.0']);
    const result = await run('install', '-i', inventory, '-t', tarball);
    assert.equal(result.code, 3);
    assert.match(
      result.stderr,
      /unsafe entries, refusing to extract it: zookeeper-3\.8\.0\/lib\/keys: link pointing outside the release/,
    );
    untouched();
  });
});
