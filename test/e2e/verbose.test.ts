import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { scratchDir, zkdeploy } from '../helpers/cli.js';
import { labTarball, requireLab } from '../helpers/lab.js';
import { repoRoot } from '../helpers/paths.js';

describe('install --verbose and the remembered inventory', () => {
  const cwd = scratchDir();
  after(() => cwd.remove());

  test('--verbose shows each remote command and its exit; ZKDEPLOY_INVENTORY replaces --inventory', async (t) => {
    if (!requireLab(t)) return;
    const result = await zkdeploy(['install', '--verbose', '--tarball', labTarball()], {
      cwd: cwd.path,
      env: { ZKDEPLOY_INVENTORY: join(repoRoot, 'inventories', 'lzy.yaml') },
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /^LZY-03\s+probe: echo @@home/m);
    assert.match(result.stderr, /^LZY-03\s+exit 0 in \d+\.\d{3}s$/m);
  });

  test('after an install here, a plain re-run needs neither --inventory nor --tarball', async (t) => {
    if (!requireLab(t)) return;
    const result = await zkdeploy(['install'], { cwd: cwd.path });
    assert.equal(result.code, 0, result.stderr);
  });
});
