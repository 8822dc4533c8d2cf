import { ZOOKEEPER_HOME_COMMAND } from '../ops/server-host.js';
import { swapMarkerSection } from '../ops/swap-marker.js';
import { LISTENING_SECTION, parseListening } from '../remote/listening.js';
import { shellPath } from '../remote/quote.js';
import { decodeFileSection, fileSection, parseSections } from '../remote/sections.js';
import { zxidOfFileName } from '../zk/txn-log.js';
import { ARCHIVE_STAMP } from './archive.js';

/**
 * What an upgrade leaves on each host (`<installDir>/.zkdeploy-upgrade`), written when the host's
 * data is archived and before it switches: where it came from and went, and where its data was
 * archived, so that a re-run continues and `rollback` knows the way back from any machine.
 */
export interface UpgradeRecord {
  /** Release directories (under installDir): the one left, and the one switched to. */
  from: string;
  to: string;
  fromVersion: string;
  toVersion: string;
  /** The last zxid in the data when it was archived, and the archives' absolute paths. */
  zxid: string;
  dataArchive: string;
  logArchive: string;
  at: string;
}

const RECORD_KEYS = [
  'from',
  'to',
  'fromVersion',
  'toVersion',
  'zxid',
  'dataArchive',
  'logArchive',
  'at',
] as const;

export const recordPath = (installDir: string) => `${installDir}/.zkdeploy-upgrade`;

export function formatRecord(record: UpgradeRecord): string {
  return RECORD_KEYS.map((key) => `${key}=${record[key]}\n`).join('');
}

/** The record's text, or undefined when it lacks a key (a damaged record is no record). */
export function parseRecord(text: string | undefined): UpgradeRecord | undefined {
  if (text === undefined) return undefined;
  const values = new Map(
    text
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const),
  );
  if (!RECORD_KEYS.every((key) => values.get(key))) return undefined;
  return Object.fromEntries(RECORD_KEYS.map((key) => [key, values.get(key)])) as unknown as UpgradeRecord;
}

/** One host as an upgrade or rollback sees it: one read-only round trip. */
export interface UpgradeFacts {
  home: string;
  /** ZOOKEEPER_HOME from zkdeploy's profile block: the release this host runs (or will at its next start). */
  zookeeperHome: string;
  record: UpgradeRecord | undefined;
  /** Snapshot and transaction log files in version-2, by name. */
  snapshots: string[];
  logs: string[];
  /** KiB the transaction logs take on disk (sparse files counted by their blocks), and free beside them. */
  logKiB: number;
  freeKiB: number;
  /** TCP ports something listens on. */
  listening: Set<number>;
  /** Where each data directory really is: what moving it aside (restore, rollback) would do. */
  placement: Record<SwappedDir, DirPlacement>;
  /**
   * What is there of what a data swap needs: `dataArchive`, `logArchive` (the record's archives,
   * stamped), `from`, `to` (the record's releases, with bin/zkServer.sh), `zookeeperHome` (the same).
   */
  present: Set<string>;
  /** A data swap under way (a restoring rollback or a restore stopped midway): its mark's first line. */
  swap: string | undefined;
}

export const SWAPPED_DIRS = ['dataDir', 'dataLogDir'] as const;
export type SwappedDir = (typeof SWAPPED_DIRS)[number];

/** A data directory as the host resolves it. */
export interface DirPlacement {
  /** Its path with every symlink resolved ('' when it does not exist). */
  real: string;
  symlink: boolean;
  /** Another file system is mounted on it: it cannot be moved aside. */
  mount: boolean;
  /** Another file system is mounted on its version-2: moving it aside would carry that disk along. */
  innerMount: boolean;
}

/** The probe's shell script for one host. */
export function upgradeProbeScript(cluster: {
  installDir: string;
  dataDir: string;
  dataLogDir: string;
}): string {
  const data = shellPath(`${cluster.dataDir}/version-2`);
  const logs = shellPath(`${cluster.dataLogDir}/version-2`);
  return [
    'echo @@home; printf "%s\\n" "$HOME"',
    `echo @@zookeeperHome; ${ZOOKEEPER_HOME_COMMAND}`,
    `echo @@record; ${fileSection(shellPath(recordPath(cluster.installDir)))}`,
    `echo @@snapshots; ls -- ${data} 2>/dev/null | grep '^snapshot\\.' || true`,
    `echo @@logs; ls -- ${logs} 2>/dev/null | grep '^log\\.' || true`,
    `echo @@logKiB; du -sk -- ${logs} 2>/dev/null | cut -f1`,
    `echo @@freeKiB; df -Pk -- ${shellPath(cluster.dataLogDir)} 2>/dev/null | awk 'NR==2 {print $4}'`,
    LISTENING_SECTION,
    swapMarkerSection(cluster),
    ...SWAPPED_DIRS.map(
      (key) =>
        `echo @@place:${key}; d=${shellPath(cluster[key])}; readlink -f -- "$d" 2>/dev/null || echo; ` +
        `[ -L "$d" ] && echo symlink; ` +
        // mountpoint sees a bind mount too (the same device as its parent); the device test is for hosts without it.
        `[ -d "$d" ] && { { command -v mountpoint >/dev/null 2>&1 && mountpoint -q -- "$d"; } || ` +
        `[ "$(stat -L -c %d -- "$d")" != "$(stat -L -c %d -- "$(dirname -- "$d")")" ]; } && echo mount; ` +
        `[ -d "$d/version-2" ] && { { command -v mountpoint >/dev/null 2>&1 && mountpoint -q -- "$d/version-2"; } || ` +
        `[ "$(stat -L -c %d -- "$d/version-2")" != "$(stat -L -c %d -- "$d")" ]; } && echo innermount; true`,
    ),
    // Paths read from the record stay shell variables, never code; only tested for, never used.
    `echo @@present; r=${shellPath(recordPath(cluster.installDir))}; if [ -f "$r" ]; then ` +
      `for k in dataArchive logArchive; do v=$(sed -n "s/^$k=//p" "$r" | head -n1); [ -n "$v" ] && [ -f "$v/${ARCHIVE_STAMP}" ] && echo $k; done; ` +
      `for k in from to; do v=$(sed -n "s/^$k=//p" "$r" | head -n1); [ -n "$v" ] && [ -x ${shellPath(cluster.installDir)}/"$v"/bin/zkServer.sh ] && echo $k; done; fi; ` +
      `h=$(${ZOOKEEPER_HOME_COMMAND}); [ -n "$h" ] && [ -x "$h/bin/zkServer.sh" ] && echo zookeeperHome; true`,
  ].join('\n');
}

function placementOf(text: string | undefined): DirPlacement {
  const [real = '', ...marks] = (text ?? '').split('\n').map((l) => l.trim());
  return {
    real,
    symlink: marks.includes('symlink'),
    mount: marks.includes('mount'),
    innerMount: marks.includes('innermount'),
  };
}

const namesOf = (text: string | undefined, kind: 'log' | 'snapshot') =>
  (text ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter((name) => name.startsWith(`${kind}.`) && zxidOfFileName(name) !== undefined);

export function parseUpgradeProbe(output: string): UpgradeFacts {
  const s = parseSections(output);
  return {
    home: s.get('home') ?? '',
    zookeeperHome: s.get('zookeeperHome') ?? '',
    record: parseRecord(decodeFileSection(s.get('record'))),
    snapshots: namesOf(s.get('snapshots'), 'snapshot'),
    logs: namesOf(s.get('logs'), 'log'),
    logKiB: Number(s.get('logKiB')) || 0,
    freeKiB: Number(s.get('freeKiB')) || 0,
    listening: parseListening(s.get('listening')),
    placement: {
      dataDir: placementOf(s.get('place:dataDir')),
      dataLogDir: placementOf(s.get('place:dataLogDir')),
    },
    swap: s.get('swap')?.trim() || undefined,
    present: new Set(
      (s.get('present') ?? '')
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean),
    ),
  };
}
