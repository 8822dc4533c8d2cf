// The guide's user, exactly: the release in ~/setups on the machine they work from, lzy.yaml copied to
// an empty directory, and three lines typed as the guide's README shows them, nothing added.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, symlinkSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { scratchDir, zkdeploy } from '../helpers/cli.js';
import {
  asAdmin,
  hostNumbers,
  lab,
  labRelease,
  labTarball,
  lzyInventory,
  requireLab,
} from '../helpers/lab.js';

describe("the guide's three commands, as typed", () => {
  const scratch = scratchDir();

  test('release in ~/setups, lzy.yaml in an empty directory: install, start, status end on 1 leader and 4 followers; status from elsewhere says the same', async (t) => {
    if (!requireLab(t)) return;
    lab('reset');
    // The user's home: their SSH setup (the lab's keys and known_hosts) and ~/setups with the release.
    const home = join(scratch.path, 'home');
    mkdirSync(join(home, 'setups'), { recursive: true });
    symlinkSync(join(homedir(), '.ssh'), join(home, '.ssh'));
    const release = `zookeeper-${labRelease}.tar.gz`;
    copyFileSync(labTarball(), join(home, 'setups', release));
    const work = join(home, 'lzy');
    mkdirSync(work);
    copyFileSync(lzyInventory, join(work, 'lzy.yaml'));
    // The per-user memory where it really lives: XDG's default under this home.
    const env = { HOME: home, XDG_STATE_HOME: '' };
    const type = (line: string, cwd = work) => zkdeploy(line.split(' ').slice(1), { cwd, env });

    const installed = await type('zkdeploy install --inventory lzy.yaml');
    assert.equal(installed.code, 0, installed.stdout + installed.stderr);
    assert.ok(
      installed.stderr.includes(
        `using ${join(home, 'setups', release)} (the one ZooKeeper release in ~/setups; --tarball to choose another)`,
      ),
      installed.stderr,
    );
    const started = await type('zkdeploy start');
    assert.equal(started.code, 0, started.stdout + started.stderr);
    const status = await type('zkdeploy status');
    assert.equal(status.code, 0, status.stdout + status.stderr);
    assert.match(status.stdout, /^healthy: 1 leader, 4 followers \(quorum 3 of 5\)$/m);
    for (const n of hostNumbers()) {
      assert.match(
        status.stdout,
        new RegExp(
          `^LZY-0${n}\\s+${n}\\s+(leader|follower)\\s.*\\s${labRelease.replaceAll('.', '\\.')}\\s+zkServer\\.sh\\s+[\\d.]+G of [\\d.]+G$`,
          'm',
        ),
      );
      assert.equal(asAdmin(n, 'ls ~/setups').trim(), release, 'the release went to ~/setups on each host');
    }

    // The same ensemble, as status shows it from anywhere: host, myid, mode and version of each.
    const rows = (out: string) =>
      out
        .split('\n')
        .filter((line) => line.startsWith('LZY-'))
        .map((line) => line.split(/\s+/))
        .map(([host, myid, mode, , , version]) => [host, myid, mode, version]);
    const elsewhere = join(scratch.path, 'elsewhere');
    mkdirSync(elsewhere);
    const fromElsewhere = await type('zkdeploy status', elsewhere);
    assert.equal(fromElsewhere.code, 0, fromElsewhere.stdout + fromElsewhere.stderr);
    assert.deepEqual(rows(fromElsewhere.stdout), rows(status.stdout));
    assert.match(fromElsewhere.stdout, /^healthy: 1 leader, 4 followers \(quorum 3 of 5\)$/m);
    assert.equal(fromElsewhere.stderr, '', 'one ensemble remembered: nothing to say about the choice');

    // A second ensemble remembered (the same hosts under another inventory name): status from
    // elsewhere answers for the last installed, says so and how to choose; a name chooses.
    copyFileSync(lzyInventory, join(work, 'copy.yaml'));
    assert.equal((await type('zkdeploy install --inventory copy.yaml')).code, 0);
    const answered = await type('zkdeploy status', elsewhere);
    assert.equal(answered.code, 0, answered.stderr);
    assert.match(
      answered.stderr,
      /^zkdeploy: answering for copy \(.*copy\.yaml\), the last installed of 2 remembered ensembles \(lzy, copy\); choose with --inventory FILE or --inventory NAME$/m,
    );
    const chosen = await type('zkdeploy status --inventory lzy', elsewhere);
    assert.equal(chosen.code, 0, chosen.stderr);
    assert.equal(chosen.stderr, '');
    assert.deepEqual(rows(chosen.stdout), rows(status.stdout));
  });
});
