import type { FirewallFacts } from '../firewall/decide.js';
import { firewallProbe, parseFirewallFacts } from '../firewall/probe.js';
import type { ClusterSettings } from '../inventory/types.js';
import { shellPath, shellQuote } from '../remote/quote.js';
import { decodeFileSection, fileSection, parseSections } from '../remote/sections.js';
import { UNIT_NAME, UNIT_PATH } from '../remote/service.js';

/** The managed files whose current content the probe brings back (for diffs and in-place edits). */
export const PROBED_FILES = ['profile', 'zooCfg', 'javaEnv', 'myid'] as const;
export type ProbedFile = (typeof PROBED_FILES)[number];
export const PROBED_DIRS = ['dataDir', 'dataLogDir', 'serverLogDir'] as const;
export type ProbedDir = (typeof PROBED_DIRS)[number];

/** Everything install needs to know of a host before deciding what to change: one read-only round trip. */
export interface HostFacts {
  home: string;
  uid: number;
  /** The SSH user's name on the host (the server runs as this user). */
  user: string;
  /** `command -v java` in the non-login shell zkServer.sh runs in. */
  javaOnPath: string | undefined;
  /** Java's home as a login shell finds it, when the non-login PATH has none. */
  javaHomeFromLogin: string | undefined;
  /** sha256 of ~/setups/<tarball>, when present. */
  tarballSha256: string | undefined;
  /** The tarball checksum the release directory was extracted from (its .zkdeploy-release stamp). */
  releaseStamp: string | undefined;
  files: Record<ProbedFile, string | undefined>;
  dirs: Record<ProbedDir, boolean>;
  firewall: FirewallFacts;
  /** zkdeploy's systemd unit as the host has it: its file, and `systemctl is-enabled` (empty without). */
  unit: { content: string | undefined; enabled: string };
  /** Snapshot and transaction log files in the data and log directories' version-2. */
  dataFiles: number;
}

/** Where the managed things are, as remote paths (`~/…` allowed). */
export interface HostPaths {
  tarball: string;
  installDir: string;
  release: string;
  /** The unit as install writes it (service: systemd), before it is put in place as root. */
  unitStaged: string;
  files: Record<ProbedFile, string>;
  dirs: Record<ProbedDir, string>;
}

/**
 * A swap of every server's data (restore, a restoring rollback) under way: written on every host
 * before the first server stops, removed once every server runs the swapped data. While one is on any
 * host, nothing starts a server but the command that wrote it (start refuses, restart refuses even
 * with --force, systemd's unit has it as a condition, so a reboot does not start one either).
 */
export const swapMarkerPath = (installDir: string) => `${installDir}/.zkdeploy-swap`;

/** Where install writes the unit (service: systemd) before putting it in place as root. */
export const unitStagedPath = (cluster: ClusterSettings) => `${cluster.installDir}/zookeeper.service`;

/** The remote paths of a release: tarball in ~/setups as in the guide, release under installDir. */
export function hostPaths(cluster: ClusterSettings, tarballName: string, releaseDir: string): HostPaths {
  const release = `${cluster.installDir}/${releaseDir}`;
  return {
    tarball: `~/setups/${tarballName}`,
    installDir: cluster.installDir,
    release,
    unitStaged: unitStagedPath(cluster),
    files: {
      profile: '~/.bash_profile',
      zooCfg: `${release}/conf/zoo.cfg`,
      javaEnv: `${release}/conf/java.env`,
      myid: `${cluster.dataDir}/myid`,
    },
    dirs: { dataDir: cluster.dataDir, dataLogDir: cluster.dataLogDir, serverLogDir: cluster.serverLogDir },
  };
}

/**
 * The probe: a read-only script whose output is `@@key` lines, each followed by its value. `peer` is
 * another server of the ensemble, whose route names the interface firewalld's zone is asked for.
 */
export function probeScript(paths: HostPaths, peer?: string): string {
  const lines = [
    'echo @@home; printf "%s\\n" "$HOME"',
    'echo @@uid; id -u',
    'echo @@user; id -un',
    'echo @@java; command -v java || true',
    'echo @@javaHomeFromLogin; command -v java >/dev/null || { j=$(bash -lc "command -v java" </dev/null 2>/dev/null | tail -n1); [ -n "$j" ] && dirname "$(dirname "$(readlink -f "$j")")"; } || true',
    `echo @@tarballSha256; sha256sum -- ${shellPath(paths.tarball)} 2>/dev/null | cut -d" " -f1`,
    `echo @@releaseStamp; cat -- ${shellPath(`${paths.release}/.zkdeploy-release`)} 2>/dev/null || true`,
    ...Object.entries(paths.files).map(
      ([key, path]) => `echo @@file:${key}; ${fileSection(shellPath(path))}`,
    ),
    ...Object.entries(paths.dirs).map(
      ([key, path]) => `echo @@dir:${key}; [ -d ${shellPath(path)} ] && echo yes || echo no`,
    ),
    ...firewallProbe(peer),
    `echo @@file:unit; ${fileSection(shellQuote(UNIT_PATH))}`,
    `echo @@unitEnabled; systemctl is-enabled ${UNIT_NAME} 2>/dev/null || true`,
    `echo @@dataFiles; ls -A -- ${[paths.dirs.dataDir, paths.dirs.dataLogDir].map((d) => shellPath(`${d}/version-2`)).join(' ')} 2>/dev/null | grep -cE '^(log|snapshot)\\.' || true`,
  ];
  return lines.join('\n');
}

/** Parses the probe's output; a missing home or uid means the probe did not run, and is our bug. */
export function parseProbe(output: string): HostFacts {
  const s = parseSections(output);
  const home = s.get('home');
  const uid = Number(s.get('uid'));
  if (!home || !Number.isInteger(uid))
    throw new Error(`probe output not understood:\n${output.slice(0, 500)}`);
  const optional = (key: string) => s.get(key) || undefined;
  const file = (key: ProbedFile) => decodeFileSection(s.get(`file:${key}`));
  return {
    home,
    uid,
    user: s.get('user') ?? '',
    javaOnPath: optional('java'),
    javaHomeFromLogin: optional('javaHomeFromLogin'),
    tarballSha256: optional('tarballSha256'),
    releaseStamp: optional('releaseStamp'),
    files: { profile: file('profile'), zooCfg: file('zooCfg'), javaEnv: file('javaEnv'), myid: file('myid') },
    dirs: {
      dataDir: s.get('dir:dataDir') === 'yes',
      dataLogDir: s.get('dir:dataLogDir') === 'yes',
      serverLogDir: s.get('dir:serverLogDir') === 'yes',
    },
    firewall: parseFirewallFacts(s, uid),
    unit: { content: decodeFileSection(s.get('file:unit')), enabled: s.get('unitEnabled') ?? '' },
    dataFiles: Number(s.get('dataFiles')) || 0,
  };
}
