// zkdeploy logs on the lab: every line prefixed with its host; --follow streams and ends cleanly.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { cliEnv, labSuite, until } from '../helpers/cli.js';
import { asAdmin, hostNumbers, inHost, labTarball, requireLab } from '../helpers/lab.js';
import { cliPath, repoRoot } from '../helpers/paths.js';

const inventory = join(repoRoot, 'inventories', 'lzy.yaml');

describe('logs', () => {
  const { cwd, run } = labSuite();

  test('-n LINES: the last lines of each server log, each prefixed with its host', async (t) => {
    if (!requireLab(t)) return;
    assert.equal((await run('install', '-i', inventory, '-t', labTarball())).code, 0);
    assert.equal((await run('start')).code, 0);
    const result = await run('logs', '-n', '3');
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 15);
    for (const n of hostNumbers()) assert.equal(lines.filter((l) => l.startsWith(`LZY-0${n}  `)).length, 3);
    const some = await run('logs', '-n', '1', '--hosts', 'LZY-02');
    assert.match(some.stdout, /^LZY-02 {2}\S/);
    assert.equal(some.stdout.trimEnd().split('\n').length, 1);
  });

  test('--follow streams new lines until Ctrl-C, then exits 130 leaving no tail on the hosts', async (t) => {
    if (!requireLab(t)) return;
    const child = spawn(process.execPath, [cliPath, 'logs', '--follow', '-n', '1'], {
      cwd: cwd,
      env: cliEnv(cwd),
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    await until(() => out.split('\n').length >= 6, 'the last line of each of the five logs');
    asAdmin(4, 'echo zkdeploy-follow-marker >> "$(ls -t ~/zookeeper/server-logs/*.out | head -n1)"');
    await until(() => out.includes('zkdeploy-follow-marker'), 'the new line to be streamed');
    assert.match(out, /^LZY-04 {2}zkdeploy-follow-marker$/m);
    child.kill('SIGINT');
    assert.equal(await exited, 130);
    const tails = () => hostNumbers().map((n) => inHost(n, 'pgrep -u admin -x tail || true').trim());
    await until(() => tails().every((t) => t === ''), 'the tails on the hosts to end', 5000).catch(
      () => undefined,
    );
    assert.deepEqual(tails(), ['', '', '', '', ''], 'a tail is left on a host');
  });
});
