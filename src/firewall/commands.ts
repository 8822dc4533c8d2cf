import type { Argv } from '../remote/become.js';
import { SYSTEMCTL } from '../remote/service.js';

// Programs by absolute path, as in remote/service.ts.
export const FIREWALL_CMD = '/usr/bin/firewall-cmd';
const FIREWALL_OFFLINE_CMD = '/usr/bin/firewall-offline-cmd';

export const STOP_FIREWALLD: Argv = [SYSTEMCTL, 'stop', 'firewalld'];
export const DISABLE_FIREWALLD: Argv = [SYSTEMCTL, 'disable', 'firewalld'];

/** `--zone=Z` when the zone is known; firewalld's default zone otherwise. */
function zoneArgs(zone: string | undefined): string[] {
  return zone ? [`--zone=${zone}`] : [];
}

/** The read-only questions the probe asks firewalld (through sudo -n when not root). */
export function listPorts(zone: string | undefined, permanent: boolean): Argv {
  return [FIREWALL_CMD, ...(permanent ? ['--permanent'] : []), ...zoneArgs(zone), '--list-ports'];
}

/** Prints the interface's zone; "no zone", exit 2, when it has none (the default zone applies). */
export function zoneOfInterface(device: string): Argv {
  return [FIREWALL_CMD, `--get-zone-of-interface=${device}`];
}

/**
 * Ports opened: at runtime and permanently, then each queried (firewalld's own answer is the
 * verdict). Always all of them, so the commands (and the sudoers rule naming them) never vary;
 * firewall-cmd answers ALREADY_ENABLED, exit 0, for a port that is open.
 */
export function openPorts(zone: string | undefined, ports: string[]): Argv[] {
  const adds = ports.map((p) => `--add-port=${p}`);
  return [
    [FIREWALL_CMD, ...zoneArgs(zone), ...adds],
    [FIREWALL_CMD, '--permanent', ...zoneArgs(zone), ...adds],
    ...ports.map((p) => [FIREWALL_CMD, ...zoneArgs(zone), `--query-port=${p}`]),
  ];
}

/** firewalld stopped: its permanent configuration edited offline, for when it starts again. */
export function openPortsOffline(zone: string | undefined, ports: string[]): Argv[] {
  return [[FIREWALL_OFFLINE_CMD, ...zoneArgs(zone), ...ports.map((p) => `--add-port=${p}`)]];
}
