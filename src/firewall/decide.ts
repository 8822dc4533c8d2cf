import { serverPorts } from '../inventory/ports.js';
import type { ClusterSettings, FirewallMode } from '../inventory/types.js';
import type { Argv, Verify } from '../remote/become.js';
import {
  DISABLE_FIREWALLD,
  listPorts,
  openPorts,
  openPortsOffline,
  STOP_FIREWALLD,
  zoneOfInterface,
} from './commands.js';

/** What the probe saw of firewalld on a host. */
export interface FirewallFacts {
  /** /run/systemd/system exists: systemd is PID 1. */
  systemd: boolean;
  /** `systemctl is-active firewalld` output (empty when not asked). */
  isActive: string;
  /** `systemctl is-enabled firewalld` output (empty when not asked). */
  isEnabled: string;
  /**
   * `sudo -n true` worked (asked only when firewalld needs action), or a sudo password was given
   * (--ask-become-pass).
   */
  canSudo: boolean;
  /** A sudo password was given (--ask-become-pass): the probe's `sudo -n` questions could not use it. */
  passwordGiven?: boolean | undefined;
  isRoot: boolean;
  /** `firewall-cmd --list-ports` (runtime), when firewalld runs and could be asked. */
  runtimePorts?: string[] | undefined;
  /** `firewall-cmd --permanent --list-ports`, likewise. */
  permanentPorts?: string[] | undefined;
  /** The network interface of the route to the other servers. */
  peerDevice?: string | undefined;
  /** The firewalld zone of that interface (its default zone when the interface has none). */
  zone?: string | undefined;
}

/**
 * What a change to firewalld runs: `commands` as root (each one exactly, through sudo unless the SSH
 * user is root), then `verify`, unprivileged, judging the result from what the host reports.
 */
interface FirewallChange {
  message: string;
  commands: Argv[];
  verify?: Verify;
  privileged: boolean;
}

export type FirewallDecision =
  | { action: 'none'; message: string }
  | { action: 'skip'; message: string }
  | ({ action: 'disable' } & FirewallChange)
  | ({ action: 'open' } & FirewallChange)
  | { action: 'fail'; message: string; fix: string };

// `systemctl is-enabled` prints one of these for a unit that exists; anything else (not-found, an
// error such as "Failed to get unit file state…") means there is no firewalld unit.
const UNIT_STATES = new Set([
  'enabled',
  'enabled-runtime',
  'disabled',
  'masked',
  'masked-runtime',
  'static',
  'indirect',
  'generated',
  'transient',
  'linked',
  'linked-runtime',
  'alias',
]);
const RUNNING = new Set(['active', 'activating', 'reloading', 'deactivating']);

/**
 * The guide's step 8, decided from what the host reports, never from `systemctl disable`'s exit code
 * (it exits 0 for a unit that does not exist).
 */
export function decideFirewall(
  facts: FirewallFacts,
  mode: FirewallMode,
  ports: number[] = [],
): FirewallDecision {
  if (mode === 'skip') return { action: 'skip', message: 'left alone (--firewall skip)' };
  if (!facts.systemd) return { action: 'skip', message: 'firewalld not present (no systemd), skipped' };
  const active = facts.isActive.trim().split('\n')[0] ?? '';
  const enabled = facts.isEnabled.trim().split('\n')[0] ?? '';
  const unitExists = UNIT_STATES.has(enabled) || RUNNING.has(active);
  if (!unitExists) return { action: 'skip', message: 'firewalld not present, skipped' };
  const running = RUNNING.has(active);
  const startsAtBoot = enabled === 'enabled' || enabled === 'enabled-runtime';
  if (mode === 'open-ports') return decideOpenPorts(facts, running, ports);
  if (!running && !startsAtBoot)
    return { action: 'none', message: `firewalld already stopped and ${enabled}` };
  if (!facts.canSudo && !facts.isRoot) {
    return {
      action: 'fail',
      message: `firewalld is ${active}/${enabled} and this user cannot run sudo without a password`,
      fix: 'pass --ask-become-pass (sudo with your password), grant the commands `zkdeploy check --become` prints in sudoers, stop and disable firewalld yourself (systemctl disable --now firewalld), or pass --firewall skip and open ports 2181, 2888 and 3888',
    };
  }
  return {
    action: 'disable',
    message: `firewalld ${running ? 'stopped and ' : ''}disabled`,
    commands: [...(running ? [STOP_FIREWALLD] : []), ...(startsAtBoot ? [DISABLE_FIREWALLD] : [])],
    // Success is judged by what systemctl reports afterwards, never by `disable`'s exit code.
    verify: {
      command: '! systemctl is-active --quiet firewalld && ! systemctl is-enabled --quiet firewalld',
      expect: 'firewalld is stopped and disabled',
    },
    privileged: !facts.isRoot,
  };
}

/**
 * --firewall open-ports: the ZooKeeper ports added, at runtime and permanently, to the firewalld zone
 * of the interface the servers talk over (the default zone may be another one), firewalld kept on.
 */
function decideOpenPorts(facts: FirewallFacts, running: boolean, ports: number[]): FirewallDecision {
  const wanted = [...new Set(ports)].map((p) => `${p}/tcp`);
  const privileged = !facts.isRoot;
  const noSudo = (what: string): FirewallDecision => ({
    action: 'fail',
    message: `firewalld ${what} and this user cannot run sudo without a password`,
    fix: `pass --ask-become-pass, grant the commands \`zkdeploy check --become\` prints in sudoers, or open ${wanted.join(', ')} yourself (firewall-cmd --permanent --add-port=...; firewall-cmd --reload)`,
  });
  // Ports listed through `sudo -n` with the very firewall-cmd commands install runs: proof enough
  // under a narrow sudoers rule (which allows no `sudo true`).
  const listed = facts.runtimePorts !== undefined && facts.permanentPorts !== undefined;
  if (!facts.canSudo && !facts.isRoot && !(running && listed))
    return noSudo(running ? 'runs' : 'is installed');
  if (!running) {
    // Ports for when it starts again: firewall-offline-cmd edits the permanent configuration only.
    return {
      action: 'open',
      message: `firewalld is stopped; ${wanted.join(', ')} opened in its permanent configuration`,
      commands: openPortsOffline(undefined, wanted),
      privileged,
    };
  }
  if (!listed) {
    // `sudo -n` cannot ask with the password given: every port is added (firewall-cmd answers
    // ALREADY_ENABLED for one that is open), then queried.
    if (facts.passwordGiven)
      return {
        action: 'open',
        message: `firewalld kept on; ${wanted.join(', ')} opened in its default zone (not listed first: sudo needs the password)`,
        commands: openPorts(facts.zone, wanted),
        privileged,
      };
    return noSudo('runs but its ports could not be listed');
  }
  const zone = facts.zone;
  const where = zone ? `zone ${zone}${facts.peerDevice ? ` (${facts.peerDevice})` : ''}` : 'its default zone';
  const missing = wanted.filter(
    (p) => !facts.runtimePorts?.includes(p) || !facts.permanentPorts?.includes(p),
  );
  if (missing.length === 0)
    return { action: 'none', message: `firewalld on, ${wanted.join(', ')} already open in ${where}` };
  return {
    action: 'open',
    message: `firewalld kept on; opened ${missing.join(', ')} in ${where}`,
    commands: openPorts(zone, wanted),
    privileged,
  };
}

/**
 * Every command zkdeploy may run as root on a host for this firewall mode: what `check --become`
 * asks sudo about, and what the sudoers rule it prints grants. Nothing for --firewall skip.
 */
export function firewallPrivilegedCommands(
  mode: FirewallMode,
  facts: Pick<FirewallFacts, 'peerDevice' | 'zone'>,
  ports: number[],
): Argv[] {
  if (mode === 'skip') return [];
  if (mode === 'disable') return [STOP_FIREWALLD, DISABLE_FIREWALLD];
  const wanted = [...new Set(ports)].map((p) => `${p}/tcp`);
  return [
    ...(facts.peerDevice ? [zoneOfInterface(facts.peerDevice)] : []),
    listPorts(facts.zone, false),
    listPorts(facts.zone, true),
    ...openPorts(facts.zone, wanted),
    ...openPortsOffline(undefined, wanted),
  ];
}

/**
 * The firewall decision for a host of this cluster, as install and check both make it: ZooKeeper's
 * ports, and sudo possible where `sudo -n` was refused when a password was given (--ask-become-pass).
 */
export function firewallFor(
  facts: FirewallFacts,
  cluster: ClusterSettings,
  sudoPassword: boolean,
): FirewallDecision {
  return decideFirewall(
    { ...facts, canSudo: facts.canSudo || sudoPassword, passwordGiven: sudoPassword },
    cluster.firewall,
    Object.values(serverPorts(cluster)),
  );
}
