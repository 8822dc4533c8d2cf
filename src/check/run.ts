import { type FirewallDecision, firewallFor, firewallPrivilegedCommands } from '../firewall/decide.js';
import { javaHomeOf } from '../inventory/java-home.js';
import { serverPorts } from '../inventory/ports.js';
import { serverAliveTest, serverInstalledTest } from '../ops/server-host.js';
import { unitStagedPath } from '../plan/probe.js';
import { type Argv, commandLine, sudo, sudoersRule } from '../remote/become.js';
import { absoluteRemotePath } from '../remote/paths.js';
import { servicePrivilegedCommands } from '../remote/service.js';
import type { HostExecutor } from '../run/executor.js';
import type { Fleet } from '../run/fleet.js';
import type { ReleaseTarball } from '../tarball/inspect.js';
import {
  agreedAddresses,
  judgeDisk,
  judgeFirewall,
  judgeJava,
  judgeNames,
  judgePorts,
  judgeService,
  judgeSize,
} from './judge.js';
import { probeNetwork } from './network.js';
import { judgeNetworks } from './network-judge.js';
import { type CheckTargets, checkScript, parseCheckProbe } from './probe.js';
import type { CheckFacts, CheckResult } from './types.js';

/** Every check's verdict per host, and the ensemble's own. */
export interface CheckReport {
  hosts: { name: string; results: CheckResult[] }[];
  ensemble: CheckResult[];
  /** Some check failed, SSH included. */
  failed: boolean;
  /**
   * Some check failed on a host that could be reached: what stops an install. An unreachable host
   * fails as a host in install's own summary, and the others go on.
   */
  blocksInstall: boolean;
}

/**
 * Runs the preflight checks over an open fleet: SSH, Java, disk, ports, name resolution, the
 * network between the hosts, firewalld, and the ensemble's size.
 */
export async function runChecks(fleet: Fleet, tarball: ReleaseTarball | undefined): Promise<CheckReport> {
  const { inventory } = fleet;
  const { cluster } = inventory;
  // A host this machine could not reach is that host's failure: the others' paths to it are "not
  // checked", never a failure of theirs that would hold back the whole install.
  const unreachable = fleet.hosts.filter((h) => !h.executor).map((h) => h.spec.name);
  const javaHomes = new Map(inventory.hosts.map((h) => [h.name, javaHomeOf(h, cluster)]));
  const ports = serverPorts(cluster);
  const targetsFor = (self: string): CheckTargets => ({
    disks: { installDir: cluster.installDir, dataDir: cluster.dataDir, dataLogDir: cluster.dataLogDir },
    names: inventory.hosts.map((h) => h.name),
    aliveTest: serverAliveTest(cluster),
    installedTest: serverInstalledTest(cluster),
    peer: inventory.hosts.find((h) => h.name !== self)?.name,
    javaHome: javaHomes.get(self),
  });
  const facts = new Map<string, CheckFacts>();
  const firewalls = new Map<string, FirewallDecision>();
  const becomes = new Map<string, CheckResult>();
  const systemdHosts = new Map<string, boolean>();
  await fleet.eachHostMarkingFailures(async (host, executor) => {
    const targets = targetsFor(host.spec.name);
    const parsed = parseCheckProbe((await executor.probe(checkScript(targets))).stdout, targets);
    facts.set(host.spec.name, parsed.facts);
    const firewall = firewallFor(parsed.firewall, cluster, executor.become.password !== undefined);
    firewalls.set(host.spec.name, firewall);
    systemdHosts.set(host.spec.name, parsed.firewall.systemd);
    if (fleet.becomeRequested) {
      const systemdUnit = cluster.service === 'systemd';
      const needed = [
        ...firewallPrivilegedCommands(cluster.firewall, parsed.firewall, Object.values(ports)),
        ...(systemdUnit
          ? servicePrivilegedCommands(absoluteRemotePath(unitStagedPath(cluster), parsed.facts.home))
          : []),
      ];
      becomes.set(host.spec.name, await checkBecome(executor, needed, 'commands' in firewall || systemdUnit));
    }
  });
  const network = await probeNetwork(
    fleet,
    [...new Set(Object.values(ports))],
    new Map(
      [...facts].map(([name, f]) => [
        name,
        { running: f.zookeeperRunning, installed: f.zookeeperInstalled, listening: f.listening },
      ]),
    ),
  );
  // Where install's firewall step will stop firewalld or open the ports, a block by it is expected.
  const opening = new Map<string, string>();
  for (const [name, decision] of firewalls) {
    if (decision.action === 'disable')
      opening.set(name, "install stops and disables firewalld (the guide's step 8)");
    if (decision.action === 'open')
      opening.set(name, 'install opens them in firewalld (--firewall open-ports)');
  }
  const networks = judgeNetworks(
    inventory.hosts.map((h) => h.name),
    network,
    new Map(Object.entries(ports).map(([role, port]) => [port, role.replace(/Port$/, '')])),
    opening,
  );
  const agreed = agreedAddresses(facts);
  const installNeedKiB = tarball ? Math.ceil((tarball.size * 4) / 1024) + 64 * 1024 : 256 * 1024;
  const hosts = fleet.hosts.map((host) => {
    const name = host.spec.name;
    const f = facts.get(name);
    const firewall = firewalls.get(name);
    if (!f || !firewall) {
      const err = host.error as (Error & { fix?: string }) | undefined;
      const ssh: CheckResult = {
        id: 'ssh',
        status: 'fail',
        message: (err?.message ?? 'no answer').replace(`${name}: `, ''),
      };
      if (err?.fix) ssh.fix = err.fix;
      return { name, results: [ssh] };
    }
    const results: CheckResult[] = [
      { id: 'ssh', status: 'pass', message: 'connected, authenticated, host key known' },
      judgeJava(f, tarball?.version, javaHomes.get(name)),
      judgeDisk(f, installNeedKiB),
      judgePorts(f, ports),
      judgeNames(name, f, agreed),
      withNotChecked(
        networks.get(name),
        unreachable.filter((other) => other !== name),
      ),
      judgeFirewall(firewall),
    ];
    if (cluster.service === 'systemd') results.push(judgeService(systemdHosts.get(name) ?? false));
    const become = becomes.get(name);
    if (become) results.push(become);
    // Reached and probed, then a later question failed (a timeout, a dropped connection).
    if (host.error)
      results.push({ id: 'host', status: 'fail', message: host.error.message.replace(`${name}: `, '') });
    return { name, results };
  });
  const ensemble = [judgeSize(inventory.hosts.length)];
  const all = [...hosts.flatMap((h) => h.results), ...ensemble];
  const failed = all.some((r) => r.status === 'fail');
  const blocksInstall = all.some((r) => r.status === 'fail' && r.id !== 'ssh');
  return { hosts, ensemble, failed, blocksInstall };
}

/**
 * --become: sudo is asked (`sudo -l`, nothing run) about each exact command zkdeploy may run as root
 * on this host, as the become user, with the --ask-become-pass password or without one. A refusal
 * prints the sudoers rule that grants exactly those commands; it fails the check where install would
 * run them now, and warns where it would not (firewalld absent, or already as wanted).
 */
async function checkBecome(
  executor: HostExecutor,
  needed: Argv[],
  neededHere: boolean,
): Promise<CheckResult> {
  const { become } = executor;
  const how = become.password === undefined ? 'without a password' : 'with the password given';
  if (needed.length === 0)
    return {
      id: 'become',
      status: 'pass',
      message: 'nothing runs through sudo (--firewall skip, service: zkServer.sh)',
    };
  const refused: string[] = [];
  for (const argv of needed) {
    const { command, answer } = sudo(become, argv, { list: true });
    const result = await executor.probe(command, undefined, { terminal: { answer } });
    if (result.code !== 0) {
      // A refused command exits 1 in silence; a wrong password or requiretty says why.
      const why = lastLine(result.stdout);
      refused.push(why ? `${commandLine(argv)} (${why})` : commandLine(argv));
    }
  }
  if (refused.length === 0)
    return {
      id: 'become',
      status: 'pass',
      message: `sudo to ${become.user} ${how} allows each of the ${needed.length} commands zkdeploy may run as root`,
    };
  const rule = sudoersRule(executor.session.target.user, become, needed);
  return {
    id: 'become',
    // Where firewalld is absent or as wanted, nothing runs through sudo today: a warning.
    status: neededHere ? 'fail' : 'warn',
    message: `sudo to ${become.user} ${how} refuses ${refused.length} of the ${needed.length} commands zkdeploy may run as root: ${refused.join('; ')}`,
    fix: `grant exactly these in /etc/sudoers.d/zkdeploy (visudo -f): ${rule}${become.password === undefined ? '; or pass --ask-become-pass' : '; and check the sudo password'}`,
  };
}

/** The last non-empty line of a terminal's output (sudo's own reason). */
function lastLine(output: string): string {
  return (
    output
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean)
      .slice(-1)[0] ?? ''
  );
}

/** A host's network verdict, with the hosts this machine could not reach (so nobody tested them). */
function withNotChecked(verdict: CheckResult | undefined, notChecked: string[]): CheckResult {
  const result = verdict ?? { id: 'network', status: 'warn', message: 'not tested' };
  if (notChecked.length === 0) return result;
  const note = `; not checked: paths to ${notChecked.join(', ')} (unreachable over SSH)`;
  if (result.status === 'fail') return { ...result, message: `${result.message}${note}` };
  return {
    ...result,
    status: 'warn',
    message: `${result.message}${note}`,
    fix: 'run check again once every host is reachable',
  };
}
