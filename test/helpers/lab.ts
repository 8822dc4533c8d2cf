import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { TestContext } from 'node:test';
import { shellQuote } from '../../src/remote/quote.js';
import { labScript, repoRoot } from './paths.js';
import { until } from './wait.js';

/**
 * Which lab the tests drive: 0 (the default, the machine's own) or 1…8, a further lab beside it that
 * `lab.sh run` sets up (its settings in the environment, test/lab/common.sh). Every name that
 * differs between labs comes from here.
 */
export const labId = Number(process.env.ZKLAB_ID ?? '0');
/** Where the lab keeps keys, known_hosts, ssh_config and tarballs. */
export const labState =
  process.env.ZKLAB_STATE || (labId === 0 ? '/var/lib/zkdeploy-lab' : `/var/lib/zkdeploy-lab-${labId}`);
export const labSubnet = process.env.ZKLAB_SUBNET || `10.213.${57 + 2 * labId}`;
/** The bastion of `lab.sh isolate on`, on its own subnet. */
export const bastionIp = `${process.env.ZKLAB_BASTION_SUBNET || `10.213.${56 + 2 * labId}`}.9`;
export const labKnownHosts = join(labState, 'known_hosts');
export const labSshConfig = join(labState, 'ssh_config');
export const labKey = join(labState, 'keys', 'id_ed25519');

/**
 * The ZooKeeper release the end-to-end tests deploy, one setting for the whole run: 3.4.9 (the
 * guide's, built from Apache's source) unless ZKLAB_RELEASE names another the lab builds (3.8.0).
 */
export const labRelease = process.env.ZKLAB_RELEASE ?? '3.4.9';
if (!['3.4.9', '3.8.0'].includes(labRelease)) {
  throw new Error(`ZKLAB_RELEASE must be 3.4.9 or 3.8.0 (the releases the lab builds), not '${labRelease}'`);
}
export const labTarball = (name = `zookeeper-${labRelease}.tar.gz`) => join(labState, 'tarballs', name);
/** The release's directory name, and where install puts it on a lab host (for a remote shell). */
export const releaseName = `zookeeper-${labRelease}`;
export const releaseHome = `~/zookeeper/${releaseName}`;
/** The release's own jar, relative to its directory: top level up to 3.4.x, lib/ from 3.5. */
export const releaseJar = labRelease.startsWith('3.4.') ? `${releaseName}.jar` : `lib/${releaseName}.jar`;

export const hostName = (n: number) => `LZY-${String(n).padStart(2, '0')}`;
export const hostIp = (n: number) => `${labSubnet}.${10 + n}`;
/** Host n's link on the lab's bridge (its end in this machine's namespace): where tc and ip act. */
export const hostLink = (n: number) =>
  `${labId === 0 ? 'zkl' : `zkl${labId}`}-lzy${String(n).padStart(2, '0')}`;
export const hostNumbers = (count = 5) => Array.from({ length: count }, (_, i) => i + 1);
/** The five hosts of inventories/lzy.yaml. */
export const lzyHosts: readonly string[] = hostNumbers().map(hostName);

/** Runs one of the lab's scripts with arguments; throws with its output when it fails. */
function labTool(script: string, args: string[]): string {
  const result = spawnSync('bash', [script, ...args], { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(
      `${basename(script)} ${args.join(' ')} failed (${result.status}):\n${result.stdout}${result.stderr}`,
    );
  }
  return result.stdout;
}

/** Runs lab.sh with arguments; throws with its output when it fails. */
export const lab = (...args: string[]): string => labTool(labScript, args);

/** Runs test/lab/systemd-host.sh (up [COUNT], down, reboot HOST, exec HOST -- CMD…): the lab's hosts with systemd and firewalld. */
export const systemdHost = (...args: string[]): string =>
  labTool(join(repoRoot, 'test', 'lab', 'systemd-host.sh'), args).trim();

/** A bash script as root inside a systemd host (LZY-S1 …), with its arguments as $1…. */
export const inSystemdHost = (name: string, script: string, ...args: string[]): string =>
  systemdHost('exec', name, '--', 'bash', '-c', script, '_', ...args);

/** Grants the lab's zkpass exactly these sudoers lines (visudo-checked by the lab), until revokeSudo. */
export function grantSudo(lines: string[]): void {
  const result = spawnSync('bash', [labScript, 'sudoers', 'grant'], {
    encoding: 'utf8',
    input: `${lines.join('\n')}\n`,
  });
  if (result.status !== 0) throw new Error(`lab.sh sudoers grant failed:\n${result.stderr}`);
}

export const revokeSudo = () => lab('sudoers', 'revoke');

/** Runs a shell command as root inside one lab host's namespaces. */
export function inHost(n: number, script: string): string {
  return lab('exec', hostName(n), '--', 'bash', '-c', script);
}

/**
 * Everything zkdeploy could change on a host, as one comparable text: every path under admin's home,
 * /tmp and /var/tmp with its mtime, size and mode, and the running ZooKeeper JVMs. The server's own
 * log files are listed by name only: a running server writes them whatever zkdeploy does.
 */
export function hostSnapshot(n: number): string {
  return inHost(
    n,
    [
      'find /home/admin /tmp /var/tmp -path "*/server-logs/*" -printf "%p\\n" -o -printf "%p %T@ %s %m\\n" 2>/dev/null | sort',
      'echo jvms: $(pgrep -u admin -f QuorumPeerMain | sort)',
    ].join('; '),
  );
}

/**
 * Every file named pwned* on any lab host, in the places a command hidden in input would leave one
 * (the SSH user's home, the remote commands' working directory, and /tmp, /var/tmp).
 */
export function markersOnHosts(): string[] {
  return hostNumbers().flatMap((n) =>
    inHost(n, 'find /home/admin /tmp /var/tmp -name "pwned*" 2>/dev/null || true')
      .split('\n')
      .filter(Boolean)
      .map((path) => `${hostName(n)}:${path}`),
  );
}

/** Waits until the tarball's upload to host n has written `bytes` (its .zkdeploy-partial file). */
export async function uploadUnderway(n: number, bytes: number): Promise<void> {
  const size = () =>
    Number(asAdmin(n, 'stat -c %s ~/setups/*.zkdeploy-partial 2>/dev/null || echo 0').trim());
  await until(() => size() >= bytes, `the upload to ${hostName(n)} to get going`, 10_000);
}

/** Runs a shell command as admin inside one lab host, as if logged in there. */
export function asAdmin(n: number, script: string): string {
  return inHost(n, `cd /home/admin && runuser -u admin -- bash -c ${shellQuote(script)}`);
}

function labIsUp(): boolean {
  if (!existsSync(join(labState, 'up.env'))) return false;
  return spawnSync('bash', [labScript, 'status'], { encoding: 'utf8' }).status === 0;
}

/**
 * True when the lab is up. Otherwise the test is skipped with a loud reason, except under CI=true,
 * where a missing lab fails: end-to-end tests never skip silently.
 */
export function requireLab(t: TestContext): boolean {
  if (labIsUp()) return true;
  const why = 'the lab is not up: run `sudo npm run lab -- up` (or `sudo npm test`, which brings it up)';
  if (process.env.CI === 'true') throw new Error(`${why} (CI=true: a missing lab is a failure)`);
  process.stderr.write(`\n*** SKIPPED: ${why}\n`);
  t.skip(why);
  return false;
}

/** The lab's known_hosts text. */
export const labKnownHostsText = () => readFileSync(labKnownHosts, 'utf8');

/** zkCli.sh of the lab's release on host n, as admin, against a server (default: its own). */
export function zkCli(n: number, command: string, server = '127.0.0.1'): string {
  return asAdmin(n, `${releaseHome}/bin/zkCli.sh -server ${server}:2181 ${command} 2>&1`);
}

/**
 * The version line a release tarball's own jar reports (`org.apache.zookeeper.Version`, run here
 * on this machine's Java): what every server installed from it must report through `srvr`.
 */
export function tarballBuild(tarball = labTarball()): string {
  const dir = mkdtempSync(join(tmpdir(), 'zkdeploy-release-'));
  try {
    execFileSync('tar', ['-xzf', tarball, '-C', dir]);
    const [top] = readdirSync(dir);
    const classpath = `${join(dir, String(top), '*')}:${join(dir, String(top), 'lib', '*')}`;
    return execFileSync('java', ['-cp', classpath, 'org.apache.zookeeper.Version'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The guide's inventory, inventories/lzy.yaml. */
export const lzyInventory = join(repoRoot, 'inventories', 'lzy.yaml');

/** Writes lzy.yaml as `name`.yaml in `dir` with one host given extra keys (`key: value` lines). */
export function lzyWith(dir: string, name: string, host: number, keys: string): string {
  const file = join(dir, `${name}.yaml`);
  const entry = `- name: ${hostName(host)}\n`;
  const text = readFileSync(lzyInventory, 'utf8');
  if (!text.includes(entry)) throw new Error(`${lzyInventory} has no host entry "${entry.trim()}"`);
  const indented = keys
    .trim()
    .split('\n')
    .map((line) => `    ${line.trim()}\n`)
    .join('');
  writeFileSync(file, text.replace(entry, `${entry}${indented}`));
  return file;
}

/** lzy.yaml with LZY-03 at an address in the lab's subnet where nothing answers. */
export const lzyWithDeadHost = (dir: string) => lzyWith(dir, 'dead', 3, `address: ${labSubnet}.99`);
/** lzy.yaml whose LZY-02 has no Java where the inventory says (javaHome: /opt/nojdk). */
export const lzyWithoutJava = (dir: string, name = 'no-java') =>
  lzyWith(dir, name, 2, 'javaHome: /opt/nojdk');
