import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { shellQuote } from '../../src/remote/quote.js';
import { HostExecutor } from '../../src/run/executor.js';
import type { SshSession } from '../../src/ssh/session.js';

/** A session whose commands run in a local bash, as sshd's would on a host: the script's real shell semantics. */
const localSession = (commands: string[]) =>
  ({
    target: { name: 'LOCAL', address: '127.0.0.1', port: 22, user: 'me' },
    exec: async (command: string, stdin?: string, _timeout?: number, _terminal?: unknown, kind?: string) => {
      // The wait for another run's leftovers, once per host before its first change, is not a step's.
      if (kind === 'change') commands.push(command);
      const result = spawnSync('bash', ['-c', command], { input: stdin ?? '', encoding: 'utf8' });
      return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
    },
  }) as unknown as SshSession;

describe('steps applied together as one remote command', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zkdeploy-together-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('in order, files exact, stopping at the first step that fails, which is named with its stderr', async () => {
    const commands: string[] = [];
    const executor = new HostExecutor(localSession(commands), { dryRun: false, log: undefined });
    const text = 'line one\nit\'s "quoted" $HOME `x` ünïcode\n\n';
    const result = await executor.applyTogether([
      { title: 'a file', actions: [{ kind: 'write', path: join(dir, 'a', 'b.txt'), content: text }] },
      {
        title: 'a directory and a command that reads its input',
        actions: [
          { kind: 'exec', command: `mkdir -p ${shellQuote(join(dir, 'x'))}` },
          { kind: 'exec', command: `cat > ${shellQuote(join(dir, 'x', 'read'))}` },
        ],
      },
      { title: 'an empty file', actions: [{ kind: 'write', path: join(dir, 'x', 'empty'), content: '' }] },
      {
        title: 'a step that fails',
        actions: [
          // A step's own `set -e` holds in the batch: the failure stops it where it happens.
          {
            kind: 'exec',
            command: `set -e\necho nope >&2; (exit 4)\ntouch ${shellQuote(join(dir, 'after'))}`,
          },
        ],
      },
      { title: 'never reached', actions: [{ kind: 'write', path: join(dir, 'late'), content: 'late' }] },
    ]);
    assert.equal(commands.length, 1, 'one remote command');
    assert.equal(result.done, 3);
    assert.match(result.error?.message ?? '', /^LOCAL: a step that fails failed \(exit 4\):\n {4}nope$/);
    assert.equal(readFileSync(join(dir, 'a', 'b.txt'), 'utf8'), text);
    assert.equal(readFileSync(join(dir, 'x', 'read'), 'utf8'), '', "the files' contents are no step's input");
    assert.equal(readFileSync(join(dir, 'x', 'empty'), 'utf8'), '');
    assert.ok(!existsSync(join(dir, 'late')));
    assert.ok(!existsSync(join(dir, 'after')), 'the failing step stopped at its failure');
    assert.ok(!existsSync(join(dir, 'a', 'b.txt.zkdeploy-tmp')));
    assert.ok(
      !commands[0]?.includes(Buffer.from(text).toString('base64')),
      'contents never on the command line',
    );
  });

  test('all done: no error', async () => {
    const executor = new HostExecutor(localSession([]), { dryRun: false, log: undefined });
    const result = await executor.applyTogether([
      { title: 'one', actions: [{ kind: 'write', path: join(dir, 'one'), content: '1\n' }] },
      { title: 'two', actions: [{ kind: 'exec', command: 'true' }] },
    ]);
    assert.deepEqual(result, { done: 2 });
  });
});
