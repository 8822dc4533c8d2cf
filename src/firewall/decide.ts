import { serverPorts } from '../inventory/ports.js';
import type { ClusterSettings, FirewallMode } from '../inventory/types.js';

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
  isRoot: boolean;
  /** `firewall-cmd --list-ports` (runtime), when firewalld runs and could be asked. */
  runtimePorts?: string[] | undefined;
  /** `firewall-cmd --permanent --list-ports`, likewise. */
  permanentPorts?: string[] | undefined;
}

export type FirewallDecision =
  | { action: 'none'; message: string }
  | { action: 'skip'; message: string }
  | { action: 'disable'; message: string; command: string; privileged: boolean }
  | { action: 'open'; message: string; command: string; privileged: boolean }
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
      fix: 'pass --ask-become-pass (sudo with your password), allow passwordless sudo, stop and disable firewalld yourself (systemctl disable --now firewalld), or pass --firewall skip and open ports 2181, 2888 and 3888',
    };
  }
  const verbs = [running ? 'systemctl stop firewalld' : '', startsAtBoot ? 'systemctl disable firewalld' : '']
    .filter(Boolean)
    .join(' && ');
  // Success is judged by what systemctl reports afterwards.
  const command = `${verbs} && ! systemctl is-active --quiet firewalld && ! systemctl is-enabled --quiet firewalld`;
  return {
    action: 'disable',
    message: `firewalld ${running ? 'stopped and ' : ''}disabled`,
    command,
    privileged: !facts.isRoot,
  };
}

/**
 * --firewall open-ports: the ZooKeeper ports added to firewalld's default zone, at runtime and
 * permanently, with firewalld kept on. Only the ports missing from each list are added.
 */
function decideOpenPorts(facts: FirewallFacts, running: boolean, ports: number[]): FirewallDecision {
  const wanted = [...new Set(ports)].map((p) => `${p}/tcp`);
  const privileged = !facts.isRoot;
  const noSudo = (what: string): FirewallDecision => ({
    action: 'fail',
    message: `firewalld ${what} and this user cannot run sudo without a password`,
    fix: `pass --ask-become-pass, allow passwordless sudo for firewall-cmd, or open ${wanted.join(', ')} yourself (firewall-cmd --permanent --add-port=...; firewall-cmd --reload)`,
  });
  if (!facts.canSudo && !facts.isRoot) return noSudo(running ? 'runs' : 'is installed');
  const adds = (list: string[]) => list.map((p) => `--add-port=${p}`).join(' ');
  if (!running) {
    // Ports for when it starts again: firewall-offline-cmd edits the permanent configuration only.
    return {
      action: 'open',
      message: `firewalld is stopped; ${wanted.join(', ')} opened in its permanent configuration`,
      command: `firewall-offline-cmd ${adds(wanted)} >/dev/null`,
      privileged,
    };
  }
  if (facts.runtimePorts === undefined || facts.permanentPorts === undefined) {
    return noSudo('runs but its ports could not be listed');
  }
  const runtime = wanted.filter((p) => !facts.runtimePorts?.includes(p));
  const permanent = wanted.filter((p) => !facts.permanentPorts?.includes(p));
  if (runtime.length === 0 && permanent.length === 0)
    return { action: 'none', message: `firewalld on, ${wanted.join(', ')} already open` };
  const commands = [
    runtime.length > 0 ? `firewall-cmd ${adds(runtime)} >/dev/null` : '',
    permanent.length > 0 ? `firewall-cmd --permanent ${adds(permanent)} >/dev/null` : '',
    // Judged by what firewalld reports afterwards, as the disable path is.
    ...wanted.map((p) => `firewall-cmd --query-port=${p} >/dev/null`),
  ].filter(Boolean);
  const missing = [...new Set([...runtime, ...permanent])];
  return {
    action: 'open',
    message: `firewalld kept on; opened ${missing.join(', ')}`,
    command: commands.join(' && '),
    privileged,
  };
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
    { ...facts, canSudo: facts.canSudo || sudoPassword },
    cluster.firewall,
    Object.values(serverPorts(cluster)),
  );
}
