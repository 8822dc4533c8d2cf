import { FIREWALL_CMD } from '../firewall/commands.js';
import type { FirewallFacts } from '../firewall/decide.js';
import type { ClusterSettings } from '../inventory/types.js';
import { shellPath, shellQuote } from '../remote/quote.js';

/** The managed files whose current content the probe brings back (for diffs and in-place edits). */
export const PROBED_FILES = ['profile', 'zooCfg', 'javaEnv', 'myid'] as const;
export type ProbedFile = (typeof PROBED_FILES)[number];
export const PROBED_DIRS = ['dataDir', 'dataLogDir', 'serverLogDir'] as const;
export type ProbedDir = (typeof PROBED_DIRS)[number];

/** Everything install needs to know of a host before deciding what to change: one read-only round trip. */
export interface HostFacts {
  home: string;
  uid: number;
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
}

/** Where the managed things are, as remote paths (`~/…` allowed). */
export interface HostPaths {
  tarball: string;
  installDir: string;
  release: string;
  files: Record<ProbedFile, string>;
  dirs: Record<ProbedDir, string>;
}

/** The remote paths of a release: tarball in ~/setups as in the guide, release under installDir. */
export function hostPaths(cluster: ClusterSettings, tarballName: string, releaseDir: string): HostPaths {
  const release = `${cluster.installDir}/${releaseDir}`;
  return {
    tarball: `~/setups/${tarballName}`,
    installDir: cluster.installDir,
    release,
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
 * Probe lines for firewalld: systemd, its unit's state, and sudo only when firewalld needs action;
 * with firewalld running, the zone of the interface that reaches `peer` (another server) and that
 * zone's ports. The questions to firewall-cmd are the very commands `check --become` names.
 */
export function firewallProbe(peer: string | undefined): string[] {
  // As root, or through `sudo -n`: the same argv either way (the zone and device are shell variables).
  const fwc = `fwc() { if [ "$(id -u)" = 0 ]; then ${FIREWALL_CMD} "$@"; else sudo -n ${FIREWALL_CMD} "$@"; fi; } </dev/null 2>/dev/null`;
  const route = peer
    ? `dev=$(a=$(getent ahostsv4 ${shellQuote(peer)} | awk '{print $1; exit}'); [ -n "$a" ] && ip -o route get "$a" 2>/dev/null | sed -n 's/.* dev \\([^ ]*\\).*/\\1/p')`
    : 'dev=';
  return [
    'echo @@systemd; [ -d /run/systemd/system ] && echo yes || echo no',
    'if [ -d /run/systemd/system ]; then',
    '  echo @@fwActive; systemctl is-active firewalld 2>&1',
    '  echo @@fwEnabled; systemctl is-enabled firewalld 2>&1',
    '  if systemctl is-active --quiet firewalld || systemctl is-enabled --quiet firewalld; then',
    // Under `requiretty` this question (asked without a terminal) is refused for want of one: sudo
    // itself then runs in a terminal, so that counts as yes.
    '    echo @@sudo; if [ "$(id -u)" = 0 ] || o=$(sudo -n true 2>&1 </dev/null); then echo yes; else case "$o" in *tty*) echo yes ;; *) echo no ;; esac; fi',
    '    if systemctl is-active --quiet firewalld; then',
    `      ${fwc}`,
    `      ${route}`,
    '      echo @@fwDevice; printf "%s\\n" "$dev"',
    // The device goes to firewall-cmd only when it is a plain interface name; "no zone" means the default.
    '      zone=; case "$dev" in ""|*[!A-Za-z0-9_.@-]*) ;; *) zone=$(fwc --get-zone-of-interface="$dev") || zone= ;; esac',
    '      echo @@fwZone; printf "%s\\n" "$zone"',
    '      set --; [ -n "$zone" ] && set -- --zone="$zone"',
    '      echo @@fwRuntimePorts; fwc "$@" --list-ports && echo @@fwRuntimeListed',
    '      echo @@fwPermanentPorts; fwc --permanent "$@" --list-ports && echo @@fwPermanentListed',
    '    fi',
    '  fi',
    'fi',
  ];
}

/** A device or zone name as the probe printed it, when it is one plain word. */
function plainWord(value: string | undefined): string | undefined {
  const word = value?.trim();
  return word && /^[A-Za-z0-9_.@-]+$/.test(word) ? word : undefined;
}

/** The firewalld facts from firewallProbe's sections. */
export function parseFirewallFacts(s: Map<string, string>, uid: number): FirewallFacts {
  return {
    systemd: s.get('systemd') === 'yes',
    isActive: s.get('fwActive') ?? '',
    isEnabled: s.get('fwEnabled') ?? '',
    canSudo: s.get('sudo') === 'yes',
    isRoot: uid === 0,
    runtimePorts: s.has('fwRuntimeListed')
      ? (s.get('fwRuntimePorts') ?? '').split(/\s+/).filter(Boolean)
      : undefined,
    permanentPorts: s.has('fwPermanentListed')
      ? (s.get('fwPermanentPorts') ?? '').split(/\s+/).filter(Boolean)
      : undefined,
    peerDevice: plainWord(s.get('fwDevice')),
    zone: plainWord(s.get('fwZone')),
  };
}

/** A shell fragment that prints a file as `present` + base64, or nothing when it is absent. */
export function fileSection(path: string): string {
  return `if [ -f ${path} ]; then echo present; base64 -w0 < ${path}; echo; fi`;
}

/** The content of a fileSection, or undefined when the file was absent. */
export function decodeFileSection(raw: string | undefined): string | undefined {
  if (!raw?.startsWith('present')) return undefined;
  return Buffer.from(raw.slice('present'.length).trim(), 'base64').toString('utf8');
}

/**
 * The probe: a read-only script whose output is `@@key` lines, each followed by its value. `peer` is
 * another server of the ensemble, whose route names the interface firewalld's zone is asked for.
 */
export function probeScript(paths: HostPaths, peer?: string): string {
  const lines = [
    'echo @@home; printf "%s\\n" "$HOME"',
    'echo @@uid; id -u',
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
  ];
  return lines.join('\n');
}

/** Splits `@@key` probe output into key → value. */
export function parseSections(output: string): Map<string, string> {
  const map = new Map<string, string>();
  let key: string | undefined;
  let value: string[] = [];
  const flush = () => {
    if (key !== undefined) map.set(key, value.join('\n').trim());
  };
  for (const line of output.split('\n')) {
    if (line.startsWith('@@')) {
      flush();
      key = line.slice(2);
      value = [];
    } else {
      value.push(line);
    }
  }
  flush();
  return map;
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
  };
}
