// The CLI's own conveniences, run as a user runs them: --help examples, completion, init, --version.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parse } from 'yaml';
import { reportError } from '../../src/cli.js';
import { validateInventory } from '../../src/inventory/validate.js';
import { cliPath } from '../helpers/paths.js';

const dir = mkdtempSync(join(tmpdir(), 'zkdeploy-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const cli = (args: string[], input?: string) =>
  spawnSync(process.execPath, [cliPath, ...args], {
    encoding: 'utf8',
    input,
    env: { ...process.env, NO_COLOR: '1', XDG_STATE_HOME: join(dir, '.xdg-state') },
  });

const COMMANDS = [
  'install',
  'plan',
  'start',
  'stop',
  'restart',
  'uninstall',
  'check',
  'logs',
  'verify',
  'status',
  'connect-string',
  'init',
  'completion',
];

describe('CLI conveniences', () => {
  test('every command’s --help ends with at least one example', () => {
    for (const command of COMMANDS) {
      const help = cli([command, '--help']);
      assert.equal(help.status, 0, command);
      assert.match(help.stdout, /\nExamples:\n {2}\$ \S/, `${command} --help has no example`);
    }
    assert.match(cli(['--help']).stdout, /Examples:/);
    assert.match(cli(['--version']).stdout, /^\d+\.\d+\.\d+\n$/);
  });

  test('bash completion completes commands, flags and choices', () => {
    const script = cli(['completion', 'bash']).stdout;
    const complete = (...words: string[]) =>
      spawnSync(
        'bash',
        [
          '-c',
          `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _zkdeploy; printf '%s\\n' "\${COMPREPLY[@]}"`,
        ],
        { encoding: 'utf8' },
      ).stdout.trim();
    assert.equal(complete('zkdeploy', 'ins'), 'install');
    assert.equal(complete('zkdeploy', 'status', '--j'), '--json');
    assert.deepEqual(complete('zkdeploy', 'install', '--firewall', '').split('\n').sort(), [
      'disable',
      'open-ports',
      'skip',
    ]);
  });

  test('zsh completion is valid zsh', (t) => {
    const zsh = spawnSync('zsh', ['--version']);
    if (zsh.error) {
      // CI installs zsh: there, its absence is a failure, never a skip.
      if (process.env.CI === 'true') assert.fail('zsh is not installed, and CI=true (.ci/run installs it)');
      t.skip('zsh is not installed (.ci/run installs it)');
      return;
    }
    const file = join(dir, '_zkdeploy');
    writeFileSync(file, cli(['completion', 'zsh']).stdout);
    const checked = spawnSync('zsh', ['-n', file], { encoding: 'utf8' });
    assert.equal(checked.status, 0, checked.stderr);
    assert.equal(cli(['completion', 'fish']).status, 64);
  });

  test('init writes a commented inventory that passes validation; never over a file; bad names refused', () => {
    const printed = cli(['init', '--hosts', 'zk1,zk2,zk3', '--user', 'admin']);
    assert.equal(printed.status, 0, printed.stderr);
    assert.match(printed.stdout, /^# zkdeploy inventory: 3 ZooKeeper servers/);
    const inventory = validateInventory(parse(printed.stdout), 'init');
    assert.deepEqual(
      inventory.hosts.map((h) => [h.name, h.myid]),
      [
        ['zk1', 1],
        ['zk2', 2],
        ['zk3', 3],
      ],
    );
    assert.equal(inventory.cluster.ssh.user, 'admin');

    const file = join(dir, 'zk.yaml');
    assert.equal(cli(['init', '--hosts', 'a,b,c', '-o', file]).status, 0);
    writeFileSync(file, 'mine\n');
    const refused = cli(['init', '--hosts', 'a,b,c', '-o', file]);
    assert.equal(refused.status, 3);
    assert.match(refused.stderr, /zk\.yaml: already exists, not overwritten/);
    assert.equal(readFileSync(file, 'utf8'), 'mine\n');

    for (const hosts of ['ok,bad;name', 'ok,a: b', 'ok,[x]']) {
      const bad = cli(['init', '--hosts', hosts]);
      assert.equal(bad.status, 3, `${hosts}: ${bad.stderr}`);
      assert.match(bad.stderr, /hosts\[1\]\.name: .* is not a valid host name/);
      assert.doesNotMatch(bad.stderr, /\n\s+at /, 'no stack trace');
    }
    assert.equal(cli(['init', '--hosts', 'zk1,zk2,zk3', '--force', '-o', file]).status, 0);
    assert.match(readFileSync(file, 'utf8'), /^ {2}- name: zk3$/m);
    const noTerminal = cli(['init']);
    assert.equal(noTerminal.status, 64);
    assert.match(noTerminal.stderr, /init needs --hosts/);
  });

  test('init asks in a terminal (through a pseudo-terminal)', () => {
    const file = join(dir, 'asked.yaml');
    const run = spawnSync('script', ['-qec', `${process.execPath} ${cliPath} init -o ${file}`, '/dev/null'], {
      encoding: 'utf8',
      input: 'q1,q2,q3\nops\n',
    });
    assert.equal(run.status, 0, run.stdout);
    assert.match(run.stdout, /ZooKeeper hosts, comma-separated/);
    const inventory = validateInventory(parse(readFileSync(file, 'utf8')), 'asked');
    assert.deepEqual(
      inventory.hosts.map((h) => h.name),
      ['q1', 'q2', 'q3'],
    );
    assert.equal(inventory.cluster.ssh.user, 'ops');
  });
});

describe('exit code 70', () => {
  test('an error that is not one of ours is an internal error: exit 70, said to be a bug, with its stack', () => {
    const written: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((chunk: string) => {
      written.push(chunk);
      return true;
    }) as typeof process.stderr.write;
    try {
      assert.equal(reportError(new TypeError('boom')), 70);
    } finally {
      process.stderr.write = write;
    }
    assert.match(written.join(''), /internal error \(a bug in zkdeploy, please report it\): boom/);
    assert.match(written.join(''), /TypeError: boom\n\s+at /);
  });
});
