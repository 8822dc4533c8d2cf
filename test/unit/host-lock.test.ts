// The ensemble's lock on a host: its scripts run by a real bash in a scratch home, and how a holder
// read back from a host is judged.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  appendJournalScript,
  hostJournalPath,
  hostLockPath,
  releaseHostLockScript,
  takeHostLockScript,
} from '../../src/remote/host-lock.js';
import { journalOf } from '../../src/run/host-lock.js';
import { judgeHolder } from '../../src/run/lock.js';

const home = mkdtempSync(join(tmpdir(), 'zkdeploy-host-lock-'));
after(() => rmSync(home, { recursive: true, force: true }));
const path = hostLockPath('0123456789ab');
const bash = (script: string) =>
  spawnSync('bash', ['-c', script], { env: { ...process.env, HOME: home }, encoding: 'utf8' }).stdout;
const locks = () => readdirSync(home).filter((f) => f.startsWith('.zkdeploy-lock.'));

describe("the ensemble's lock on a host", () => {
  test('taken once; a second taker is told who holds it; released only by its holder', () => {
    assert.equal(bash(takeHostLockScript(path, '{"run":"a"}')).trim(), '@@taken');
    assert.deepEqual(locks(), ['.zkdeploy-lock.0123456789ab']);
    assert.equal(bash(takeHostLockScript(path, '{"run":"b"}')).trim(), '@@held\n{"run":"a"}');
    bash(releaseHostLockScript(path, '{"run":"b"}'));
    assert.equal(locks().length, 1, "a run removed another's lock");
    bash(releaseHostLockScript(path, '{"run":"a"}'));
    assert.deepEqual(locks(), []);
  });

  test('a stale lock is taken over only while it is still the one judged stale', () => {
    bash(takeHostLockScript(path, '{"run":"dead"}'));
    // Someone else took it over meanwhile: not removed.
    assert.equal(
      bash(takeHostLockScript(path, '{"run":"c"}', '{"run":"other"}')).trim(),
      '@@held\n{"run":"dead"}',
    );
    assert.equal(bash(takeHostLockScript(path, '{"run":"c"}', '{"run":"dead"}')).trim(), '@@taken');
    bash(releaseHostLockScript(path, '{"run":"c"}'));
    assert.deepEqual(locks(), []);
  });

  test('a home where nothing can be written: failed, never taken or held', () => {
    // A home that is not there fails as a read-only one does, for root too.
    const out = spawnSync('bash', ['-c', takeHostLockScript(path, '{"run":"d"}')], {
      env: { ...process.env, HOME: join(home, 'gone') },
      encoding: 'utf8',
    }).stdout;
    assert.match(out, /^@@failed\ncannot write /);
  });

  test('a text with quotes, $() and newlines is data, never run', () => {
    const text = `{"command":"x'; touch ${home}/pwned; '$(touch ${home}/pwned2)"}`;
    assert.equal(bash(takeHostLockScript(path, text)).trim(), '@@taken');
    bash(releaseHostLockScript(path, text));
    assert.deepEqual(readdirSync(home), []);
  });

  test("a holder is judged: this machine's live run, its dead one (stale), another machine's, none", async () => {
    const live = spawn('sleep', ['30']);
    const dead = spawn('true');
    await new Promise((resolve) => dead.on('close', resolve));
    try {
      const here = { host: hostname(), command: 'restart', since: 'then' };
      assert.equal(judgeHolder(JSON.stringify({ ...here, pid: live.pid })).kind, 'live');
      assert.equal(judgeHolder(JSON.stringify({ ...here, pid: dead.pid })).kind, 'stale');
      assert.equal(
        judgeHolder(JSON.stringify({ ...here, pid: live.pid, host: 'ops-laptop' })).kind,
        'elsewhere',
      );
      assert.equal(
        judgeHolder(JSON.stringify({ ...here, pid: dead.pid, host: 'ops-laptop' })).kind,
        'elsewhere',
      );
      for (const text of ['', 'garbage', '{"pid":"1"}', 'null', '[]'])
        assert.equal(judgeHolder(text).kind, 'unreadable', text);
    } finally {
      live.kill();
    }
  });

  test("the journal: a run's lines read back, others' and noise skipped, the file kept short", () => {
    const journal = hostJournalPath('0123456789ab');
    const line = (run: string, i: number, event: string) =>
      JSON.stringify({ run, at: '2026-12-08T01:02:03Z', step: 'restore', title: `restore ${i}`, event });
    for (let i = 0; i < 450; i++) bash(appendJournalScript(journal, line(i % 2 ? 'a' : 'b', i, 'begun')));
    bash(appendJournalScript(journal, "it's $(noise)"));
    const text = readFileSync(join(home, '.zkdeploy-journal.0123456789ab'), 'utf8');
    assert.ok(text.split('\n').length <= 402, `the journal grew to ${text.split('\n').length} lines`);
    const mine = journalOf(text, 'a');
    assert.equal(mine.at(-1)?.title, 'restore 449');
    assert.ok(mine.every((e) => e.run === 'a'));
    assert.match(text, /it's \$\(noise\)/, 'a line is data, never run');
    rmSync(join(home, '.zkdeploy-journal.0123456789ab'));
  });
});
