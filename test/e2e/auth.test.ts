// Authentication and privilege on the lab: ssh-agent, an encrypted key, a password login allowed on
// one host only, sudo with a password (the lab's zkpass may run only /bin/true as nobody, until a
// test grants it the rule zkdeploy prints), and no password ever written anywhere. Prompts are answered through a pseudo-terminal.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { labSuite, zkdeploy } from '../helpers/cli.js';
import { grantSudo, labKnownHosts, labState, requireLab, revokeSudo } from '../helpers/lab.js';
import { repoRoot } from '../helpers/paths.js';
import { zkdeployInTerminal } from '../helpers/terminal.js';

const inventory = join(repoRoot, 'inventories', 'lzy.yaml');
const password = () => readFileSync(join(labState, 'zkpass.password'), 'utf8').trim();
const asZkpass = ['-i', inventory, '--user', 'zkpass', '--hosts', 'LZY-02'];

/** Every regular file under a directory (missing directories have none). */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((f) => {
      try {
        return statSync(f).isFile();
      } catch {
        return false;
      }
    });
}

describe('authentication and privilege', () => {
  const { cwd, run } = labSuite();
  const scratch = mkdtempSync(join(tmpdir(), 'zkdeploy-auth-'));
  const agents: number[] = [];
  after(() => {
    for (const pid of agents) process.kill(pid);
    rmSync(scratch, { recursive: true, force: true });
  });

  test('ssh-agent: with no key files at all, the agent authenticates', async (t) => {
    if (!requireLab(t)) return;
    const socket = join(scratch, 'agent.sock');
    const started = execFileSync('ssh-agent', ['-a', socket, '-s'], { encoding: 'utf8' });
    agents.push(Number(/SSH_AGENT_PID=(\d+)/.exec(started)?.[1]));
    execFileSync('ssh-add', ['-q', join(labState, 'keys', 'id_ed25519')], {
      env: { ...process.env, SSH_AUTH_SOCK: socket },
    });
    const home = join(scratch, 'home-without-keys');
    const config = join(scratch, 'agent_config');
    writeFileSync(config, `Host LZY-*\n  UserKnownHostsFile ${labKnownHosts}\n`);
    const viaAgent = await zkdeploy(['status', '-i', inventory, '--ssh-config', config], {
      cwd,
      env: { HOME: home, SSH_AUTH_SOCK: socket },
    });
    assert.doesNotMatch(
      viaAgent.stdout + viaAgent.stderr,
      /unreachable|authentication refused/,
      viaAgent.stdout,
    );
    assert.match(viaAgent.stdout, /^LZY-05\s+5\s+down/m);
  });

  test('an encrypted key: its passphrase is asked once, hidden, for all five hosts', async (t) => {
    if (!requireLab(t)) return;
    const key = join(scratch, 'id_encrypted');
    execFileSync('ssh-keygen', [
      '-q',
      '-t',
      'ed25519',
      '-N',
      'open sesame',
      '-C',
      'zkdeploy-test',
      '-f',
      key,
    ]);
    const authorized = join(labState, 'authorized_keys', 'admin');
    const before = readFileSync(authorized, 'utf8');
    appendFileSync(authorized, readFileSync(`${key}.pub`, 'utf8'));
    try {
      const result = await zkdeployInTerminal(
        ['status', '-i', inventory, '--identity', key],
        [{ prompt: /Enter passphrase for key '.*id_encrypted': $/, answer: 'open sesame' }],
        { cwd },
      );
      assert.equal(result.output.match(/Enter passphrase/g)?.length, 1, result.output);
      assert.doesNotMatch(result.output, /open sesame/, 'the passphrase was echoed');
      assert.match(result.output, /LZY-05\s+5\s+down/);
      assert.doesNotMatch(result.output, /unreachable/);
      // Without a terminal there is nowhere to ask: the key named with --identity is bad input.
      const noTerminal = await run('status', '-i', inventory, '--identity', key);
      assert.equal(noTerminal.code, 3, noTerminal.stderr);
      assert.match(
        noTerminal.stderr,
        /id_encrypted: the key is encrypted and there is no terminal to ask its passphrase in/,
      );
      assert.match(noTerminal.stderr, /fix: load it into ssh-agent \(ssh-add /);
    } finally {
      writeFileSync(authorized, before);
    }
  });

  test('password login (--ask-pass) works on the host that allows it and is refused on another', async (t) => {
    if (!requireLab(t)) return;
    const allowed = await zkdeployInTerminal(
      ['status', ...asZkpass, '--ask-pass', '--verbose'],
      [{ prompt: /SSH password: $/, answer: password() }],
      { cwd },
    );
    assert.match(allowed.output, /LZY-02\s+connected in/, allowed.output);
    assert.match(allowed.output, /LZY-02: data\/myid is missing/, 'status read the host as zkpass');
    const refused = await zkdeployInTerminal(
      ['status', '-i', inventory, '--user', 'zkpass', '--hosts', 'LZY-03', '--ask-pass'],
      [{ prompt: /SSH password: $/, answer: password() }],
      { cwd },
    );
    assert.match(
      refused.output,
      /LZY-03: authentication refused for zkpass@LZY-03:22 \(offered: .*password\)/,
    );
    assert.match(refused.output, /fix: check the password, and that LZY-03 allows password login for zkpass/);
    const noTerminal = await run('status', ...asZkpass, '--ask-pass');
    assert.equal(noTerminal.code, 64);
    assert.match(noTerminal.stderr, /--ask-pass needs a terminal/);
  });

  test('--ask-become-pass: sudo is asked about each exact command; the printed sudoers rule is enough, requiretty included', async (t) => {
    if (!requireLab(t)) return;
    after(revokeSudo);
    const becomeCheck = async (becomePassword: string, ...extra: string[]) => {
      const out = join(scratch, `check-become-${becomePassword.length}.json`);
      const result = await zkdeployInTerminal(
        [
          'check',
          ...asZkpass,
          '--ask-pass',
          '--ask-become-pass',
          '--become-user',
          'root',
          '--json',
          ...extra,
        ],
        [
          { prompt: /SSH password: $/, answer: password() },
          { prompt: /BECOME password \[default: the SSH password\]: $/, answer: becomePassword },
        ],
        { cwd, stdoutTo: out },
      );
      const report = JSON.parse(readFileSync(out, 'utf8')) as {
        hosts: { name: string; results: { id: string; status: string; message: string; fix?: string }[] }[];
      };
      const become = report.hosts[0]?.results.find((r) => r.id === 'become');
      const host = report.hosts[0]?.results.find((r) => r.id === 'host');
      if (host) return { ...host, code: result.code };
      assert.ok(become, result.output);
      return { ...become, code: result.code };
    };
    // Not granted: a warning here (the lab has no firewalld, so install would run nothing through
    // sudo), naming each refused command and the rule that grants exactly them.
    revokeSudo();
    const refused = await becomeCheck(password());
    assert.equal(refused.status, 'warn', refused.message);
    assert.match(refused.message, /refuses 2 of the 2 commands/);
    const rule =
      /(zkpass ALL=\(root\) \/usr\/bin\/systemctl stop firewalld, \/usr\/bin\/systemctl disable firewalld)/.exec(
        refused.fix ?? '',
      )?.[1];
    assert.ok(rule, refused.fix);
    // Exactly that rule, and nothing more, is enough; sudo is asked, nothing is run.
    grantSudo([rule]);
    const granted = await becomeCheck(password());
    assert.equal(granted.status, 'pass', granted.message);
    assert.match(granted.message, /allows each of the 2 commands/);
    // A wrong password is refused, and says so.
    const wrong = await becomeCheck('not-the-password');
    assert.equal(wrong.status, 'warn');
    assert.match(wrong.message, /incorrect password|Sorry, try again/);
    // sudo's delay after a wrong password (about 2 s) outlasts a 1 s --command-timeout: that host's
    // check fails, and check with it, though the other checks had passed.
    const late = await becomeCheck('not-the-password', '--command-timeout', '1');
    assert.equal(late.status, 'fail', late.message);
    assert.match(late.message, /did not finish within 1s/);
    assert.equal(late.code, 2);
    // `Defaults requiretty` (RHEL 7's default): sudo runs in a terminal, so the rule still works.
    grantSudo([rule, 'Defaults:zkpass requiretty']);
    const tty = await becomeCheck(password());
    assert.equal(tty.status, 'pass', tty.message);
  });

  test('--verbose with both passwords: neither appears in the output or any file zkdeploy writes', async (t) => {
    if (!requireLab(t)) return;
    const wrongBecome = 'another-secret-7f3a';
    // Every process's command line, sampled while zkdeploy runs: the lab's hosts are PID namespaces
    // of this machine, so one `ps` sees the controller and every host (sshd, bash, sudo) at once.
    const sampled: string[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const ps = await new Promise<string>((resolve) =>
          execFile('ps', ['-eo', 'args'], { maxBuffer: 1 << 24 }, (_err, out) => resolve(out)),
        );
        sampled.push(ps);
      }
    })();
    for (const becomePassword of ['', wrongBecome]) {
      const result = await zkdeployInTerminal(
        ['check', ...asZkpass, '--ask-pass', '--ask-become-pass', '--become-user', 'nobody', '--verbose'],
        [
          { prompt: /SSH password: $/, answer: password() },
          { prompt: /BECOME password/, answer: becomePassword },
        ],
        { cwd },
      );
      assert.match(
        result.output,
        /sudo -p '\[zkdeploy\] sudo password: ' -l -u nobody -- \/usr\/bin\/systemctl stop firewalld/,
        'the verbose run shows the sudo command',
      );
      for (const secret of [password(), wrongBecome])
        assert.ok(!result.output.includes(secret), 'a password was printed');
    }
    const written = [
      ...filesUnder(cwd),
      ...filesUnder(join(homedir(), '.zkdeploy')),
      ...filesUnder('/home/zkpass'),
      ...filesUnder(join(labState, 'hosts', 'lzy02', 'tmp')),
      join(homedir(), '.ssh', 'known_hosts'),
    ];
    assert.ok(written.length > 0);
    for (const file of written) {
      const text = readFileSync(file, 'latin1');
      for (const secret of [password(), wrongBecome])
        assert.ok(!text.includes(secret), `${file} holds a password`);
    }
    sampling = false;
    await sampler;
    // Nor on any command line, here or on the host, while it ran: sudo reads it from its terminal.
    assert.ok(
      sampled.some((ps) => ps.includes('sudo -p') || ps.includes('zkdeploy check')),
      'the process list was never sampled while zkdeploy ran',
    );
    for (const ps of sampled)
      for (const secret of [password(), wrongBecome])
        assert.ok(!ps.includes(secret), 'a password on a command line');
  });
});
