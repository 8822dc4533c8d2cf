import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { commandTag, killTaggedSession, leftoverCommandsScript, viaBash } from '../../src/remote/shell.js';

/** What a login shell makes of the command line sshd hands it (`$SHELL -c LINE`). */
const loginShellRuns = (shell: string, line: string, input = '') =>
  spawnSync(shell, ['-c', line], { input, encoding: 'utf8' });

describe('remote commands through an explicit bash', () => {
  const script = [
    'set -e',
    `v='it'"'"'s $HOME; \`x\`'`,
    'printf "%s\\n" "$v"',
    '[[ -n "$BASH_VERSION" ]] && echo bash',
    'cat',
    'exit 3',
  ].join('\n');

  test('bash runs the script whatever the login shell: output, stdin and exit code intact', () => {
    for (const shell of ['sh', 'bash']) {
      const result = loginShellRuns(shell, viaBash(script, commandTag()), 'from stdin\n');
      assert.equal(result.stdout, "it's $HOME; `x`\nbash\nfrom stdin\n", shell);
      assert.equal(result.status, 3, shell);
    }
  });

  test('the line a login shell parses is plain: one single-quoted word of base64, and the tag', () => {
    const tag = commandTag();
    assert.match(tag, /^zkdeploy-run-[0-9a-f]{8}-r[0-9a-f]{12}$/);
    assert.match(commandTag('change'), /^zkdeploy-run-[0-9a-f]{8}-c[0-9a-f]{12}$/);
    assert.match(
      viaBash(script, tag),
      new RegExp(`^bash -c 'eval "\\$\\(printf %s [A-Za-z0-9+/=]+ \\| base64 -d\\)"' ${tag}$`),
    );
  });

  test('the kill command finds the tagged command but never itself', () => {
    const tag = commandTag();
    const kill = killTaggedSession(tag);
    assert.ok(!kill.includes(tag), 'its own command line would match');
    assert.ok(new RegExp(kill.match(/pgrep -f '([^']+)'/)?.[1] ?? '^$').test(`bash -c x ${tag}`));
  });

  test("another run's leftover command is waited for, up to the limit, then named; this run's own never", () => {
    const leftover = spawn('bash', ['-c', 'sleep 4; true', 'zkdeploy-run-deadbeef-c000000000000'], {
      stdio: 'ignore',
    });
    try {
      const waited = Date.now();
      // The limit is counted in whole seconds of the host's clock: 2 waits at least one.
      const named = spawnSync('bash', ['-c', leftoverCommandsScript(2)], { encoding: 'utf8' });
      assert.match(
        named.stdout,
        /^@@leftover \d+ bash -c sleep 4; true zkdeploy-run-deadbeef-c000000000000/m,
      );
      assert.ok(Date.now() - waited >= 1000, 'it did not wait');
      const settled = spawnSync('bash', ['-c', leftoverCommandsScript(10)], { encoding: 'utf8' });
      assert.equal(settled.stdout, '', 'it did not wait for the leftover to end');
      const own = spawn('bash', ['-c', 'sleep 3; true', commandTag('change')], { stdio: 'ignore' });
      const mine = spawnSync('bash', ['-c', leftoverCommandsScript(1)], { encoding: 'utf8' });
      own.kill();
      assert.equal(mine.stdout, '', "this run's own command was taken for a leftover");
      const reader = spawn('bash', ['-c', 'sleep 3; true', 'zkdeploy-run-deadbeef-r000000000000'], {
        stdio: 'ignore',
      });
      const read = spawnSync('bash', ['-c', leftoverCommandsScript(1)], { encoding: 'utf8' });
      reader.kill();
      assert.equal(read.stdout, '', "another run's read (a logs --follow) was waited for");
    } finally {
      leftover.kill();
    }
  });
});
