import type { Argv, Verify } from './become.js';
import { shellQuote } from './quote.js';

// Programs by absolute path: what runs through sudo is exactly what a sudoers rule names (sudo also
// matches /bin/x against /usr/bin/x by inode on usr-merged systems: RHEL 7+, Debian 10+, Ubuntu 20+).
export const SYSTEMCTL = '/usr/bin/systemctl';
const INSTALL = '/usr/bin/install';
const RM = '/usr/bin/rm';

/** How every unit zkdeploy writes begins (templates/zookeeper.service): nothing else is ever removed. */
export const UNIT_MARK = '# Managed by zkdeploy';
export const isZkdeployUnit = (content: string | undefined) => content?.startsWith(UNIT_MARK) ?? false;

/** The systemd unit `service: systemd` runs the server under. */
export const UNIT_NAME = 'zookeeper.service';
export const UNIT_PATH = `/etc/systemd/system/${UNIT_NAME}`;

/**
 * The unit put in place from the copy install wrote in the install directory (owned by the SSH
 * user), then loaded and enabled: three exact commands a sudoers rule can name.
 */
export function installUnit(staged: string): Argv[] {
  return [
    [INSTALL, '-m', '0644', staged, UNIT_PATH],
    [SYSTEMCTL, 'daemon-reload'],
    [SYSTEMCTL, 'enable', UNIT_NAME],
  ];
}

export const START_UNIT: Argv = [SYSTEMCTL, 'start', UNIT_NAME];
export const STOP_UNIT: Argv = [SYSTEMCTL, 'stop', UNIT_NAME];
export const REMOVE_UNIT: Argv[] = [
  [SYSTEMCTL, 'disable', UNIT_NAME],
  [RM, '-f', UNIT_PATH],
  [SYSTEMCTL, 'daemon-reload'],
];

/** Every command `service: systemd` runs as root: what `check --become` asks sudo about. */
export function servicePrivilegedCommands(staged: string): Argv[] {
  return [...installUnit(staged), START_UNIT, STOP_UNIT, ...REMOVE_UNIT];
}

/** Prints the unit's state (`active`, `activating` while systemd restarts it, …); nothing without systemd. */
export const UNIT_ACTIVE_COMMAND = `systemctl is-active ${UNIT_NAME} 2>/dev/null || true`;
/** The states in which systemd runs the server or is about to (Restart=on-failure between tries). */
export const UNIT_RUNNING = new Set(['active', 'activating', 'reloading', 'deactivating']);

/** A shell test that is true while systemd runs (or restarts) the server's unit. */
export const UNIT_RUNNING_TEST = `case "$(${UNIT_ACTIVE_COMMAND})" in ${[...UNIT_RUNNING].join('|')}) true ;; *) false ;; esac`;

/** Where service: systemd cannot be: check and install say the same. */
export const NO_SYSTEMD = {
  message: 'service: systemd, but systemd does not run this host (no /run/systemd/system)',
  fix: "use service: zkServer.sh (the guide's way, the default) for this inventory",
};

/** After the unit's removal: the file is gone. */
export const UNIT_GONE: Verify = {
  command: `! [ -e ${shellQuote(UNIT_PATH)} ]`,
  expect: `${UNIT_PATH} is gone`,
};
