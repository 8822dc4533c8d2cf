// Finding what the guide's user does not type: the release tarball (~/setups, beside the inventory,
// here) and the inventory an earlier install used (in this directory, or for this user).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach, describe, test } from 'node:test';
import { InputError } from '../../src/errors.js';
import { resolveInventoryPath } from '../../src/inventory/load.js';
import {
  rememberedEnsembles,
  rememberedTarball,
  rememberInstall,
  rememberRollback,
  rememberUpgrade,
} from '../../src/inventory/memory.js';
import { discoverTarball, type Place } from '../../src/tarball/discover.js';

const root = mkdtempSync(join(tmpdir(), 'zkdeploy-remembered-'));
after(() => rmSync(root, { recursive: true, force: true }));
let serial = 0;
const freshDir = (name: string) => {
  const dir = join(root, `${name}-${++serial}`);
  mkdirSync(dir, { recursive: true });
  return dir;
};
const touch = (dir: string, name: string) => {
  writeFileSync(join(dir, name), 'x');
  return join(dir, name);
};

describe('the release tarball, found without --tarball', () => {
  const places = (...dirs: string[]): Place[] => dirs.map((dir) => ({ dir, shown: dir }));

  test('the one release in ~/setups is taken, and where it was found is said', () => {
    const setups = freshDir('setups');
    const path = touch(setups, 'zookeeper-3.4.9.tar.gz');
    touch(setups, 'notes.txt');
    touch(setups, 'apache-zookeeper-3.8.0.tar.gz'); // a source release: not a candidate
    const found = discoverTarball(places(setups, freshDir('inv'), freshDir('cwd')), 'lzy.yaml');
    assert.equal(found.path, path);
    assert.equal(found.place.dir, setups);
  });

  test('both of Apache names count; the same file seen from two places counts once', () => {
    const here = freshDir('here');
    const path = touch(here, 'apache-zookeeper-3.8.0-bin.tar.gz');
    const alias = freshDir('alias');
    symlinkSync(path, join(alias, 'apache-zookeeper-3.8.0-bin.tar.gz'));
    assert.equal(discoverTarball(places(here, here, alias), 'lzy.yaml').path, path);
  });

  test('several releases: each listed, --tarball asked for (exit 3)', () => {
    const setups = freshDir('setups');
    const cwd = freshDir('cwd');
    touch(setups, 'zookeeper-3.4.9.tar.gz');
    touch(cwd, 'apache-zookeeper-3.8.0-bin.tar.gz');
    assert.throws(
      () => discoverTarball(places(setups, cwd), 'lzy.yaml'),
      (err: unknown) =>
        err instanceof InputError &&
        err.exitCode === 3 &&
        /lzy\.yaml: no tarball given, and 2 ZooKeeper releases found/.test(err.message) &&
        err.message.includes(join(setups, 'zookeeper-3.4.9.tar.gz')) &&
        err.message.includes(join(cwd, 'apache-zookeeper-3.8.0-bin.tar.gz')) &&
        /--tarball/.test(err.fix ?? ''),
    );
  });

  test('none: every place looked in is named, and the fix', () => {
    const empty = freshDir('empty');
    assert.throws(
      () => discoverTarball(places(join(empty, 'setups'), empty), 'lzy.yaml'),
      (err: unknown) =>
        err instanceof InputError &&
        err.message.includes(`in ${join(empty, 'setups')}, ${empty}`) &&
        /~\/setups/.test(err.fix ?? ''),
    );
  });
});

describe('the inventory an earlier install used', () => {
  beforeEach(() => {
    process.env.XDG_STATE_HOME = freshDir('state');
    delete process.env.ZKDEPLOY_INVENTORY;
  });

  test('no flag, nothing remembered: said, with the fix', () => {
    assert.throws(() => resolveInventoryPath(undefined, freshDir('cwd')), /no inventory given/);
  });

  test('remembered for the user: found from any directory, with its tarball', () => {
    const installedFrom = freshDir('work');
    const inventory = touch(installedFrom, 'lzy.yaml');
    rememberInstall({ inventory, tarball: '/home/u/setups/zookeeper-3.4.9.tar.gz' }, installedFrom);
    const elsewhere = freshDir('elsewhere');
    assert.deepEqual(resolveInventoryPath(undefined, elsewhere), { path: inventory, from: 'remembered' });
    assert.equal(rememberedTarball(inventory, elsewhere), '/home/u/setups/zookeeper-3.4.9.tar.gz');
    assert.deepEqual(resolveInventoryPath(undefined, installedFrom), {
      path: inventory,
      from: 'this directory',
    });
  });

  test('several remembered: the last installed is answered, saying so and how to choose; a name chooses', () => {
    const a = touch(freshDir('a'), 'lzy.yaml');
    const b = touch(freshDir('b'), 'prod.yml');
    rememberInstall({ inventory: a, tarball: '/t/a.tar.gz' }, freshDir('cwd'));
    rememberInstall({ inventory: b, tarball: '/t/b.tar.gz' }, freshDir('cwd'));
    rememberInstall({ inventory: a, tarball: '/t/a2.tar.gz' }, freshDir('cwd')); // again: moves to last
    assert.deepEqual(
      rememberedEnsembles().map((e) => [e.name, e.tarball]),
      [
        ['prod', '/t/b.tar.gz'],
        ['lzy', '/t/a2.tar.gz'],
      ],
    );
    const choice = resolveInventoryPath(undefined, freshDir('elsewhere'));
    assert.equal(choice.path, a);
    assert.match(
      choice.notice ?? '',
      /^answering for lzy \(.*lzy\.yaml\), the last installed of 2 remembered/,
    );
    assert.match(choice.notice ?? '', /--inventory FILE or --inventory NAME/);
    assert.deepEqual(resolveInventoryPath('prod', freshDir('elsewhere')), { path: b, from: 'remembered' });
  });

  test('a file named on the command line wins over a remembered name', () => {
    const remembered = touch(freshDir('r'), 'lzy');
    rememberInstall({ inventory: remembered, tarball: '/t.tar.gz' }, freshDir('cwd'));
    const cwd = freshDir('cwd');
    const local = touch(cwd, 'lzy');
    assert.deepEqual(resolveInventoryPath('lzy', cwd), { path: local, from: 'flag' });
  });

  test('an upgrade makes its release the remembered one, keeping the old for a rollback, which brings it back', () => {
    const inventory = touch(freshDir('u'), 'lzy.yaml');
    const cwd = freshDir('cwd');
    rememberInstall({ inventory, tarball: '/t/zookeeper-3.4.9.tar.gz' }, cwd);
    rememberUpgrade(inventory, '/t/apache-zookeeper-3.8.0-bin.tar.gz', cwd);
    assert.equal(rememberedTarball(inventory, cwd), '/t/apache-zookeeper-3.8.0-bin.tar.gz');
    assert.equal(rememberedTarball(inventory, freshDir('elsewhere')), '/t/apache-zookeeper-3.8.0-bin.tar.gz');
    rememberRollback(inventory, cwd);
    assert.equal(rememberedTarball(inventory, cwd), '/t/zookeeper-3.4.9.tar.gz');
  });
});
