import { type FirewallDecision, firewallFor } from '../firewall/decide.js';
import { serverPorts } from '../inventory/ports.js';
import { sudo } from '../remote/become.js';
import type { HostExecutor } from '../run/executor.js';
import type { Fleet } from '../run/fleet.js';
import type { ReleaseTarball } from '../tarball/inspect.js';
import { collectStatus } from '../zk/ensemble-status.js';
import { serverAliveTest } from '../zk/server-host.js';
import {
  agreedAddresses,
  judgeDisk,
  judgeFirewall,
  judgeJava,
  judgeNames,
  judgeNetwork,
  judgePorts,
  judgeSize,
} from './judge.js';
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
  // Between running servers the quorum ports must be open (2888 only on the leader); before that, SSH.
  const modes = new Map((await collectStatus(fleet)).map((r) => [r.name, r.mode]));
  const serving = [...modes.values()].some((m) => m === 'leader' || m === 'follower');
  // A host this machine could not reach is that host's failure: the others' paths to it are "not
  // checked", never a failure of theirs that would hold back the whole install.
  const unreachable = fleet.hosts.filter((h) => !h.executor).map((h) => h.spec.name);
  const targetsFor = (self: string): CheckTargets => ({
    disks: { installDir: cluster.installDir, dataDir: cluster.dataDir, dataLogDir: cluster.dataLogDir },
    names: inventory.hosts.map((h) => h.name),
    connect: inventory.hosts
      .filter((h) => h.name !== self && !unreachable.includes(h.name))
      .flatMap((h) => {
        if (!serving) return [`${h.name}:${fleet.routeOf(h).target.port}`];
        const mode = modes.get(h.name);
        if (mode === 'leader')
          return [`${h.name}:${cluster.electionPort}`, `${h.name}:${cluster.quorumPort}`];
        return mode === 'follower' ? [`${h.name}:${cluster.electionPort}`] : [];
      }),
    aliveTest: serverAliveTest(cluster),
  });
  const facts = new Map<string, CheckFacts>();
  const firewalls = new Map<string, FirewallDecision>();
  const becomes = new Map<string, CheckResult>();
  await fleet.each(async (host, executor) => {
    const targets = targetsFor(host.spec.name);
    const parsed = parseCheckProbe((await executor.probe(checkScript(targets))).stdout, targets);
    facts.set(host.spec.name, parsed.facts);
    if (fleet.becomeRequested) becomes.set(host.spec.name, await checkBecome(executor));
    firewalls.set(
      host.spec.name,
      firewallFor(parsed.firewall, cluster, executor.become.password !== undefined),
    );
  });
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
      judgeJava(f, tarball?.version),
      judgeDisk(f, installNeedKiB),
      judgePorts(f, serverPorts(cluster)),
      judgeNames(name, f, agreed),
      judgeNetwork(
        f,
        serving ? 'quorum and election ports' : 'SSH ports of the other hosts',
        unreachable.filter((other) => other !== name),
      ),
      judgeFirewall(firewall),
    ];
    const become = becomes.get(name);
    if (become) results.push(become);
    return { name, results };
  });
  const ensemble = [judgeSize(inventory.hosts.length)];
  const all = [...hosts.flatMap((h) => h.results), ...ensemble];
  const failed = all.some((r) => r.status === 'fail');
  const blocksInstall = all.some((r) => r.status === 'fail' && r.id !== 'ssh');
  return { hosts, ensemble, failed, blocksInstall };
}

/**
 * --become: sudo to the become user runs `/bin/true`, exactly as a sudoers rule may allow it, with
 * the --ask-become-pass password on sudo's stdin (or passwordless). Proves privilege before a step needs it.
 */
async function checkBecome(executor: HostExecutor): Promise<CheckResult> {
  const { become } = executor;
  const { command, stdin } = sudo(become, '/bin/true');
  const result = await executor.probe(command, stdin);
  const how = become.password === undefined ? 'without a password' : 'with the password given';
  if (result.code === 0)
    return { id: 'become', status: 'pass', message: `sudo to ${become.user} works ${how}` };
  const why = (result.stderr || result.stdout).trim().split('\n').slice(-1)[0] ?? `exit ${result.code}`;
  return {
    id: 'become',
    status: 'fail',
    message: `sudo to ${become.user} ${how} failed: ${why}`,
    fix:
      become.password === undefined
        ? 'pass --ask-become-pass, or allow passwordless sudo for this user'
        : `check the sudo password, and that sudoers lets ${executor.session.target.user} run commands as ${become.user}`,
  };
}
