import { isIP } from 'node:net';
import type { FirewallFacts } from '../firewall/decide.js';
import { firewallProbe, parseFirewallFacts } from '../firewall/probe.js';
import { LISTENING_SECTION, parseListening } from '../remote/listening.js';
import { shellPath, shellQuote } from '../remote/quote.js';
import { parseSections } from '../remote/sections.js';
import type { CheckFacts } from './types.js';

/** What to look at on one host. */
export interface CheckTargets {
  /** key → remote path whose file system must have room (installDir, dataDir, …). */
  disks: Record<string, string>;
  /** Every server name of the ensemble, resolved on this host. */
  names: string[];
  /** A shell test true while our server runs (its pid file). */
  aliveTest: string;
  /** A shell test true where a ZooKeeper is set up and could start at any moment (systemd, a reboot, a hand). */
  installedTest: string;
  /** The inventory's Java home for this host: its bin/java is the one checked, not the PATH's. */
  javaHome?: string | undefined;
  /** Another server, whose route names the interface firewalld's zone is asked for. */
  peer?: string | undefined;
}

/** One read-only round trip gathering every check's facts. */
export function checkScript(t: CheckTargets): string {
  return [
    'echo @@uid; id -u',
    'echo @@home; printf "%s\\n" "$HOME"',
    t.javaHome
      ? `j=${shellQuote(`${t.javaHome}/bin/java`)}; [ -x "$j" ] || j=`
      : 'j=$(command -v java || bash -lc "command -v java" </dev/null 2>/dev/null | tail -n1)',
    'echo @@java; printf "%s\\n" "$j"',
    // The runtime's release file states its version without starting a JVM on a busy host.
    'r="$(dirname "$(dirname "$(readlink -f "$j" 2>/dev/null)")")/release"',
    'echo @@javaVersion; if [ -n "$j" ] && [ -f "$r" ]; then sed -n "s/^JAVA_VERSION=/version /p" "$r"; elif [ -n "$j" ]; then "$j" -version 2>&1 | head -n1; fi',
    ...Object.entries(t.disks).map(
      ([key, path]) =>
        `echo @@disk:${key}; p=${shellPath(path)}; while [ ! -e "$p" ]; do p=$(dirname "$p"); done; ` +
        `printf "%s\\n" "$p"; df -Pk "$p" | awk 'NR==2 {print $4}'; [ -w "$p" ] && echo writable || echo readonly`,
    ),
    LISTENING_SECTION,
    `echo @@running; ${t.aliveTest} && echo yes || echo no`,
    `echo @@installed; ${t.installedTest} && echo yes || echo no`,
    // An address literal needs no resolving (getent would want a reverse entry for it).
    ...t.names.map((name) =>
      isIP(name)
        ? `echo @@resolve:${name}; echo ${shellQuote(name)}`
        : `echo @@resolve:${name}; getent hosts ${shellQuote(name)} | awk '{print $1; exit}'`,
    ),
    ...firewallProbe(t.peer),
  ].join('\n');
}

/** Parses the check probe's output. */
export function parseCheckProbe(
  output: string,
  t: CheckTargets,
): { facts: CheckFacts; firewall: FirewallFacts } {
  const s = parseSections(output);
  const disks: CheckFacts['disks'] = {};
  for (const key of Object.keys(t.disks)) {
    const [path = '', free, writable] = (s.get(`disk:${key}`) ?? '').split('\n');
    disks[key] = {
      path,
      freeKiB: free && /^\d+$/.test(free) ? Number(free) : undefined,
      writable: writable === 'writable',
    };
  }
  const listening = parseListening(s.get('listening'));
  const facts: CheckFacts = {
    java: s.get('java') || undefined,
    javaVersion: s.get('javaVersion') || undefined,
    disks,
    listening,
    zookeeperRunning: s.get('running') === 'yes',
    zookeeperInstalled: s.get('installed') === 'yes',
    resolves: new Map(t.names.map((n) => [n, s.get(`resolve:${n}`) || undefined])),
    home: s.get('home') ?? '',
  };
  return { facts, firewall: parseFirewallFacts(s, Number(s.get('uid'))) };
}
