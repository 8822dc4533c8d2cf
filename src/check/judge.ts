import type { FirewallDecision } from '../firewall/decide.js';
import { commandLine } from '../remote/become.js';
import { NO_SYSTEMD, UNIT_NAME } from '../remote/service.js';
import type { CheckFacts, CheckResult, DiskFacts } from './types.js';

const MiB = 1024;

/** Java's major version from `java -version`'s first line: "1.8.0_292" → 8, "17.0.15" → 17. */
export function javaMajor(versionLine: string | undefined): number | undefined {
  const version = /version "([^"]+)"/.exec(versionLine ?? '')?.[1];
  if (!version) return undefined;
  const [first, second] = version.split(/[._-]/).map(Number);
  return first === 1 ? second : first;
}

/** Java present, and of a version the ZooKeeper release supports (when the release is known). */
export function judgeJava(
  facts: CheckFacts,
  zkVersion: string | undefined,
  javaHome?: string | undefined,
): CheckResult {
  const fix =
    'install a Java runtime (e.g. apt-get install openjdk-17-jre-headless), or give its home as javaHome in the inventory (zookeeper.javaHome, or per host)';
  if (!facts.java && javaHome)
    return {
      id: 'java',
      status: 'fail',
      message: `no ${javaHome}/bin/java here (javaHome)`,
      fix: 'correct javaHome for this host (a directory holding bin/java), or remove it to use the PATH',
    };
  if (!facts.java)
    return { id: 'java', status: 'fail', message: 'no java on the PATH of a login or non-login shell', fix };
  const major = javaMajor(facts.javaVersion);
  if (major === undefined)
    return {
      id: 'java',
      status: 'warn',
      message: `${facts.java}: version not recognised (${facts.javaVersion ?? 'no output'})`,
    };
  const [zkMajor = 0, zkMinor = 0] = (zkVersion ?? '').split('.').map(Number);
  const is34 = zkMajor === 3 && zkMinor <= 4;
  const minimum = zkVersion === undefined ? 8 : is34 ? 6 : 8;
  if (major < minimum) {
    return {
      id: 'java',
      status: 'fail',
      message: `Java ${major}; ZooKeeper ${zkVersion ?? '3.5+'} needs Java ${minimum} or newer`,
      fix,
    };
  }
  if (is34 && major > 8) {
    return {
      id: 'java',
      status: 'warn',
      message: `Java ${major}; ZooKeeper ${zkVersion} is documented for Java 6-8, newer Java is untested upstream`,
      fix: 'prefer a Java 8 runtime for 3.4.x, or upgrade ZooKeeper',
    };
  }
  return { id: 'java', status: 'pass', message: `Java ${major} (${facts.java})` };
}

/** Free space and write permission where the release and the data go. */
export function judgeDisk(facts: CheckFacts, installNeedKiB: number): CheckResult {
  const problems: string[] = [];
  const warnings: string[] = [];
  for (const [key, disk] of Object.entries(facts.disks)) {
    const need = key === 'installDir' ? installNeedKiB : 64 * MiB;
    const show = (d: DiskFacts) => `${d.path} (${Math.floor((d.freeKiB ?? 0) / MiB)} MiB free)`;
    if (!disk.writable) problems.push(`${key}: ${disk.path} is not writable by this user`);
    else if (disk.freeKiB === undefined) warnings.push(`${key}: free space of ${disk.path} unknown`);
    else if (disk.freeKiB < need) problems.push(`${key}: ${show(disk)}, needs ${Math.ceil(need / MiB)} MiB`);
    else if (key !== 'installDir' && disk.freeKiB < 1024 * MiB)
      warnings.push(`${key}: ${show(disk)}, under 1 GiB`);
  }
  if (problems.length > 0) {
    return {
      id: 'disk',
      status: 'fail',
      message: problems.join('; '),
      fix: 'free space there, or point the directory at a larger file system in the inventory',
    };
  }
  if (warnings.length > 0)
    return {
      id: 'disk',
      status: 'warn',
      message: warnings.join('; '),
      fix: 'snapshots and transaction logs grow: give them room',
    };
  return { id: 'disk', status: 'pass', message: 'enough free space, writable' };
}

/** The ZooKeeper ports: free, or held by our own server. */
export function judgePorts(facts: CheckFacts, ports: Record<string, number>): CheckResult {
  const taken = Object.entries(ports).filter(([, port]) => facts.listening.has(port));
  if (taken.length === 0)
    return { id: 'ports', status: 'pass', message: `${Object.values(ports).join(', ')} free` };
  if (facts.zookeeperRunning)
    return {
      id: 'ports',
      status: 'pass',
      message: `${taken.map(([, p]) => p).join(', ')} held by our ZooKeeper`,
    };
  return {
    id: 'ports',
    status: 'fail',
    message: `taken by another process: ${taken.map(([key, port]) => `${port} (${key})`).join(', ')}`,
    fix: 'stop what listens there (ss -ltnp shows it), or choose other ports in the inventory',
  };
}

const isLoopback = (address: string) => address.startsWith('127.') || address === '::1';

/**
 * Every server name resolves on this host, never to loopback, and to the address the other hosts
 * resolve it to (the 127.0.1.1 pitfall: the election port binds to loopback, no quorum forms).
 */
export function judgeNames(
  host: string,
  facts: CheckFacts,
  agreed: Map<string, string | undefined>,
): CheckResult {
  const problems: string[] = [];
  for (const [name, address] of facts.resolves) {
    if (address === undefined) problems.push(`${name} does not resolve`);
    else if (isLoopback(address)) problems.push(`${name} resolves to loopback ${address}`);
    else if (agreed.get(name) !== undefined && agreed.get(name) !== address)
      problems.push(`${name} resolves to ${address}, the others say ${agreed.get(name)}`);
  }
  if (problems.length === 0)
    return { id: 'names', status: 'pass', message: `${facts.resolves.size} server names resolve alike` };
  const own = problems.some((p) => p.startsWith(`${host} resolves to loopback`));
  return {
    id: 'names',
    status: 'fail',
    message: problems.join('; '),
    fix: own
      ? `remove the "127.0.1.1 ${host}" line (or any loopback line for it) from /etc/hosts on ${host}, or set quorumListenOnAllIPs=true`
      : 'make every server name resolve to its real address on every host (DNS or /etc/hosts)',
  };
}

/** What the other hosts resolve each name to: the most common answer, from hosts other than its own. */
export function agreedAddresses(all: Map<string, CheckFacts>): Map<string, string | undefined> {
  const agreed = new Map<string, string | undefined>();
  const names = new Set([...all.values()].flatMap((f) => [...f.resolves.keys()]));
  for (const name of names) {
    const votes = new Map<string, number>();
    for (const [host, facts] of all) {
      const address = facts.resolves.get(name);
      if (host === name || address === undefined || isLoopback(address)) continue;
      votes.set(address, (votes.get(address) ?? 0) + 1);
    }
    agreed.set(name, [...votes].sort((a, b) => b[1] - a[1])[0]?.[0]);
  }
  return agreed;
}

/** service: systemd needs a host that boots systemd; install puts the unit in place and enables it. */
export function judgeService(systemd: boolean): CheckResult {
  return systemd
    ? {
        id: 'service',
        status: 'pass',
        message: `systemd runs here: install puts ${UNIT_NAME} in place and enables it`,
      }
    : { id: 'service', status: 'fail', ...NO_SYSTEMD };
}

/** What install will do about firewalld here. */
export function judgeFirewall(decision: FirewallDecision): CheckResult {
  switch (decision.action) {
    case 'fail':
      return { id: 'firewall', status: 'fail', message: decision.message, fix: decision.fix };
    case 'disable':
      return {
        id: 'firewall',
        status: 'warn',
        message: `firewalld is on: install will stop and disable it (${decision.commands.map(commandLine).join('; ')})`,
        fix: 'or pass --firewall skip and open 2181, 2888 and 3888 yourself',
      };
    default:
      return { id: 'firewall', status: 'pass', message: decision.message };
  }
}

/** The ensemble's size: odd, and at least three, for fault tolerance. */
export function judgeSize(servers: number): CheckResult {
  if (servers < 3)
    return {
      id: 'size',
      status: 'warn',
      message: `${servers} server${servers === 1 ? '' : 's'} tolerate no failure`,
      fix: 'use 3 or 5 servers',
    };
  if (servers % 2 === 0)
    return {
      id: 'size',
      status: 'warn',
      message: `${servers} servers tolerate no more failures than ${servers - 1}`,
      fix: `use ${servers - 1} or ${servers + 1}`,
    };
  return {
    id: 'size',
    status: 'pass',
    message: `${servers} servers tolerate ${Math.floor((servers - 1) / 2)} failures`,
  };
}
