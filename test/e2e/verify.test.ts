// zkdeploy verify on the lab: ZooKeeper's promises checked through every server, over SSH tunnels.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { labSuite } from '../helpers/cli.js';
import { asAdmin, labTarball, releaseHome, requireLab } from '../helpers/lab.js';
import { repoRoot } from '../helpers/paths.js';

const inventory = join(repoRoot, 'inventories', 'lzy.yaml');
const bin = `${releaseHome}/bin`;

interface VerifyJson {
  ok: boolean;
  results: { check: string; server: string; ok: boolean; detail: string }[];
}

describe('verify', () => {
  const { run } = labSuite();
  const verifyJson = async (...extra: string[]) => {
    const result = await run('verify', '--json', ...extra);
    return { code: result.code, report: JSON.parse(result.stdout) as VerifyJson };
  };
  test('a healthy ensemble passes every check through every server, and the scratch path is gone', async (t) => {
    if (!requireLab(t)) return;
    assert.equal((await run('install', '-i', inventory, '-t', labTarball())).code, 0);
    assert.equal((await run('start')).code, 0);
    const text = await run('verify');
    assert.equal(text.code, 0, text.stdout + text.stderr);
    assert.match(text.stdout, /^verify: every check passed through 5 servers$/m);
    const { code, report } = await verifyJson();
    assert.equal(code, 0);
    assert.equal(report.results.length, 25);
    assert.ok(report.results.every((r) => r.ok));
    assert.doesNotMatch(asAdmin(1, `${bin}/zkCli.sh -server 127.0.0.1:2181 ls / 2>&1`), /zkdeploy-verify/);
    const direct = await run('verify', '--direct');
    assert.equal(direct.code, 0, direct.stdout);
  });

  test('one server stopped: the checks through it fail, the others pass', async (t) => {
    if (!requireLab(t)) return;
    asAdmin(2, `${bin}/zkServer.sh stop`);
    const { code, report } = await verifyJson();
    assert.equal(code, 2);
    const failed = report.results.filter((r) => !r.ok);
    assert.deepEqual([...new Set(failed.map((r) => r.server))], ['LZY-02']);
    assert.equal(failed.length, 5);
    assert.match(failed[0]?.detail ?? '', /cannot connect through LZY-02/);
    assert.equal((await run('start')).code, 0);
  });

  test('no quorum: every check fails, clearly', async (t) => {
    if (!requireLab(t)) return;
    for (const n of [1, 2, 3]) asAdmin(n, `${bin}/zkServer.sh stop`);
    const { code, report } = await verifyJson();
    assert.equal(code, 2);
    assert.ok(report.results.every((r) => !r.ok));
    assert.ok(
      report.results
        .filter((r) => r.server === 'LZY-04')
        .every((r) => /cannot connect|no quorum/.test(r.detail)),
    );
    assert.equal((await run('start')).code, 0);
  });

  test('connect-string prints what Kafka, HBase and Hadoop expect', async (t) => {
    if (!requireLab(t)) return;
    const plain = await run('connect-string');
    assert.equal(plain.stdout, 'LZY-01:2181,LZY-02:2181,LZY-03:2181,LZY-04:2181,LZY-05:2181\n');
    assert.match((await run('connect-string', '--for', 'kafka')).stdout, /^zookeeper\.connect=LZY-01:2181,/m);
  });
});
