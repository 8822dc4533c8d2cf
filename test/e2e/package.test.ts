// Packaging: npm pack, then npm install -g of that tarball into a temporary prefix, gives a working
// zkdeploy with only its runtime dependencies. npm ci caches tarballs but not the registry metadata
// an install resolves against, so the install may reach the registry (--prefer-offline): a fresh
// machine's cache holds nothing else.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { repoRoot } from '../helpers/paths.js';

const work = mkdtempSync(join(tmpdir(), 'zkdeploy-pack-'));
after(() => rmSync(work, { recursive: true, force: true }));

function npm(args: string[], cwd: string) {
  const result = spawnSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd,
    encoding: 'utf8',
  });
  assert.equal(result.status, 0, `npm ${args.join(' ')}:\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

describe('package', () => {
  test('npm pack ships bin, the compiled CLI, templates and package.json; no sources, no tests', () => {
    // The build ran before the tests; --ignore-scripts skips prepack's second one.
    const [packed] = JSON.parse(
      npm(['pack', '--json', '--ignore-scripts', '--pack-destination', work], repoRoot),
    ) as {
      filename: string;
      files: { path: string }[];
    }[];
    assert.ok(packed);
    const paths = packed.files.map((f) => f.path);
    for (const wanted of [
      'bin/zkdeploy',
      'dist/src/cli.js',
      'templates/zoo.cfg',
      'package.json',
      'README.md',
    ])
      assert.ok(paths.includes(wanted), `${wanted} is not in the package`);
    assert.deepEqual(
      paths.filter((p) => /^(src|test|bench|\.ci)\/|^dist\/test\/|\.ts$/.test(p) && !p.endsWith('.d.ts')),
      [],
    );
  });

  test('npm install -g of the tarball gives a working zkdeploy with runtime dependencies only', () => {
    const tarball = readFileSync(join(repoRoot, 'package.json'), 'utf8').match(/"version": "([^"]+)"/)?.[1];
    const file = join(work, `zkdeploy-${tarball}.tgz`);
    assert.ok(existsSync(file), 'the pack test ran first');
    const prefix = join(work, 'prefix');
    npm(['install', '-g', '--prefer-offline', '--prefix', prefix, file], work);
    const installed = join(prefix, 'bin', 'zkdeploy');
    const run = (...args: string[]) => spawnSync(installed, args, { encoding: 'utf8', cwd: work });
    const version = run('--version');
    assert.equal(version.status, 0, version.stderr);
    assert.equal(version.stdout.trim(), tarball);
    assert.match(run('--help').stdout, /Usage: zkdeploy/);
    const starter = run('init', '--hosts', 'zk1,zk2,zk3', '--user', 'admin');
    assert.equal(starter.status, 0, starter.stderr);
    const cs = run('connect-string', '-i', join(repoRoot, 'inventories', 'lzy.yaml'));
    assert.equal(cs.stdout.trim(), 'LZY-01:2181,LZY-02:2181,LZY-03:2181,LZY-04:2181,LZY-05:2181');
    const modules = join(prefix, 'lib', 'node_modules', 'zkdeploy', 'node_modules');
    for (const dev of ['typescript', '@biomejs', '@types'])
      assert.equal(existsSync(join(modules, dev)), false, `${dev} was installed`);
    assert.ok(existsSync(join(modules, 'ssh2')), 'runtime dependencies are installed');
  });
});
