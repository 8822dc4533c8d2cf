import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { InputError } from '../../src/errors.js';
import { inspectTarball } from '../../src/tarball/inspect.js';

const work = mkdtempSync(join(tmpdir(), 'zkdeploy-tar-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** Builds a .tar.gz from a tree of relative paths (content, or `-> target` for a symlink). */
function tarball(name: string, tree: Record<string, string>, extraTarArgs: string[] = []): string {
  const root = join(work, `${name}.d`);
  for (const [path, content] of Object.entries(tree)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    if (content.startsWith('-> ')) symlinkSync(content.slice(3), join(root, path));
    else writeFileSync(join(root, path), content);
  }
  const out = join(work, name);
  execFileSync('tar', [
    '-czf',
    out,
    '-C',
    root,
    ...extraTarArgs,
    ...Object.keys(tree).map((p) => p.split('/')[0] ?? p),
  ]);
  return out;
}

const release = (top: string, jars = true): Record<string, string> => ({
  [`${top}/bin/zkServer.sh`]: '#!/bin/bash\n',
  [`${top}/conf/zoo_sample.cfg`]: 'tickTime=2000\n',
  ...(jars ? { [`${top}/lib/zookeeper-3.8.0.jar`]: 'jar' } : {}),
});

async function refusal(path: string): Promise<string> {
  try {
    await inspectTarball(path);
  } catch (err: unknown) {
    assert.ok(err instanceof InputError);
    return `${err.message} ${err.fix ?? ''}`;
  }
  assert.fail('the tarball was accepted');
}

describe('release tarball checks', () => {
  test('a binary release: top directory, version and checksum come from the file itself', async () => {
    const path = tarball('zookeeper-3.4.9.tar.gz', {
      ...release('zookeeper-3.4.9', false),
      'zookeeper-3.4.9/zookeeper-3.4.9.jar': 'jar',
    });
    const t = await inspectTarball(path);
    assert.equal(t.topDir, 'zookeeper-3.4.9');
    assert.equal(t.version, '3.4.9');
    assert.equal(t.fileName, 'zookeeper-3.4.9.tar.gz');
    const { createHash } = await import('node:crypto');
    assert.equal(t.sha256, createHash('sha256').update(readFileSync(path)).digest('hex'));
  });

  test('apache-zookeeper-X-bin names its top directory the same way', async () => {
    const t = await inspectTarball(
      tarball('apache-zookeeper-3.8.0-bin.tar.gz', release('apache-zookeeper-3.8.0-bin')),
    );
    assert.equal(t.topDir, 'apache-zookeeper-3.8.0-bin');
  });

  test('a source release (no jars) is refused, pointing at the -bin one', async () => {
    assert.match(
      await refusal(tarball('apache-zookeeper-3.8.0.tar.gz', release('apache-zookeeper-3.8.0', false))),
      /source release.*-bin/,
    );
  });

  test('not gzip, truncated, empty, missing: refused', async () => {
    const notGzip = join(work, 'plain.tar.gz');
    writeFileSync(notGzip, 'just text');
    assert.match(await refusal(notGzip), /not a gzip file/);
    const good = readFileSync(
      tarball('t.tar.gz', { ...release('zk'), 'zk/lib/big.jar': 'x'.repeat(200000) }),
    );
    const truncated = join(work, 'truncated.tar.gz');
    writeFileSync(truncated, good.subarray(0, Math.floor(good.length / 2)));
    assert.match(await refusal(truncated), /not a readable \.tar\.gz/);
    const empty = join(work, 'empty.tar.gz');
    writeFileSync(empty, '');
    assert.match(await refusal(empty), /empty|not a gzip/);
    assert.match(await refusal(join(work, 'absent.tar.gz')), /no such tarball/);
  });

  test('no zkServer.sh, or more than one top directory: refused', async () => {
    assert.match(await refusal(tarball('nobin.tar.gz', { 'zk/lib/a.jar': 'j' })), /no bin\/zkServer\.sh/);
    assert.match(
      await refusal(tarball('two.tar.gz', { ...release('zk'), 'other/x': 'y' })),
      /one top directory/,
    );
  });

  test('entries that escape the release are refused before any upload', async () => {
    const outside = tarball('link.tar.gz', { ...release('zk'), 'zk/lib/evil': '-> ../../etc/passwd' });
    assert.match(await refusal(outside), /link pointing outside/);
    const absolute = tarball('abs.tar.gz', { ...release('zk'), 'zk/lib/evil': '-> /etc/passwd' });
    assert.match(await refusal(absolute), /link to absolute path/);
    const dotdot = tarball('dotdot.tar.gz', release('zk'), [
      '--transform',
      's,^zk/conf/zoo_sample.cfg,zk/../../x,',
    ]);
    assert.match(await refusal(dotdot), /path with \.\./);
    const inside = tarball('inside.tar.gz', {
      ...release('zk'),
      'zk/bin/link': '-> ../lib/zookeeper-3.8.0.jar',
    });
    assert.equal((await inspectTarball(inside)).topDir, 'zk');
  });
});
