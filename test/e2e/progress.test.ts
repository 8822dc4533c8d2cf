// Long work says how far it is: an upload over a slow link shows bytes, rate and time left for its
// host (plain lines, as in a CI log); a rolling restart in a terminal shows which server it is on
// and what it waits for.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { stripVTControlCharacters } from 'node:util';
import { labSuite } from '../helpers/cli.js';
import { lab, labTarball, requireLab } from '../helpers/lab.js';
import { repoRoot } from '../helpers/paths.js';
import { zkdeployInTerminal } from '../helpers/terminal.js';

const inventory = join(repoRoot, 'inventories', 'lzy.yaml');

describe('progress of long work', () => {
  const { run, cwd } = labSuite();

  test('an upload over a slow link: bytes, rate and time left for that host; a rolling restart: which server, and what it waits for', async (t) => {
    if (!requireLab(t)) return;
    lab('slow', 'LZY-03', '1mbit'); // the lab's 3.4.9 tarball is 1.5 MB: about 12 s
    t.after(() => lab('fast', 'LZY-03'));
    const installed = await run('install', '-i', inventory, '-t', labTarball(), '--start');
    lab('fast', 'LZY-03');
    assert.equal(installed.code, 0, installed.stdout + installed.stderr);
    assert.match(
      installed.stderr,
      /^LZY-03\s+upload \S+ to ~\/setups: [\d.]+ of [\d.]+ MB, [\d.]+ MB\/s, (\d+m)?\d+s left$/m,
      'the slow host says how far its upload is',
    );

    // In a terminal (the live view): the step names the server's turn.
    const restart = await zkdeployInTerminal(['restart'], [], { cwd, env: { CI: '' } });
    assert.equal(restart.code, 0, restart.output);
    assert.match(restart.output, /restart 1\/5 \(follower\)/);
    assert.match(restart.output, /restart 5\/5 \(leader\)/);

    // And what it waits for. The waits of a healthy roll are often shorter than a frame of the live
    // view, so this one is made long: LZY-01 restarted with its election port closed to incoming
    // connections. Every peer has a higher id and answers it only by connecting back, so it cannot
    // learn who leads and waits to serve until the port opens again, 2 s after the wait is shown.
    const { hosts } = JSON.parse((await run('status', '--json')).stdout) as {
      hosts: { name: string; mode: string }[];
    };
    assert.equal(hosts[0]?.mode, 'follower', 'after a full restart the leader is one of the highest ids');
    lab('block', 'LZY-01', '3888');
    t.after(() => lab('fast', 'LZY-01'));
    let reopening: NodeJS.Timeout | undefined;
    const waited = await zkdeployInTerminal(['restart', '--hosts', 'LZY-01'], [], {
      cwd,
      env: { CI: '' },
      onOutput: (output) => {
        if (!reopening && /LZY-01 .*waiting for it to serve/.test(stripVTControlCharacters(output)))
          reopening = setTimeout(() => lab('fast', 'LZY-01'), 2000);
      },
    });
    assert.equal(waited.code, 0, waited.output);
    assert.match(
      stripVTControlCharacters(waited.output),
      /LZY-01 +restart 1\/1 \(follower\): waiting for it to serve \(srvr\): \d+s of \d+s/,
    );
  });
});
