import type { ClusterSettings } from '../inventory/types.js';
import { ZOOKEEPER_HOME_COMMAND } from '../ops/server-host.js';
import { swapMarkerSection } from '../ops/swap-marker.js';
import { shellPath } from '../remote/quote.js';
import { decodeFileSection, fileSection, parseSections } from '../remote/sections.js';
import type { HostExecutor } from '../run/executor.js';

/** What a membership change needs to know of a host: its list, its id, and data it may bring along. */
export interface MembershipFacts {
  home: string;
  zooCfg: string | undefined;
  myid: string | undefined;
  /** Snapshot and transaction log files in its version-2 directories. */
  dataFiles: number;
  /** A data swap under way here (restore, a restoring rollback): its mark's text. */
  swap: string | undefined;
}

export async function probeMembership(
  executor: HostExecutor,
  cluster: ClusterSettings,
): Promise<MembershipFacts> {
  const versions = [cluster.dataDir, cluster.dataLogDir].map((d) => shellPath(`${d}/version-2`)).join(' ');
  const script = [
    'echo @@home; printf "%s\\n" "$HOME"',
    `h=$(${ZOOKEEPER_HOME_COMMAND})`,
    `echo @@zooCfg; [ -n "$h" ] && ${fileSection('"$h/conf/zoo.cfg"')}`,
    `echo @@myid; ${fileSection(shellPath(`${cluster.dataDir}/myid`))}`,
    `echo @@dataFiles; ls -A -- ${versions} 2>/dev/null | grep -cE '^(log|snapshot)\\.' || true`,
    swapMarkerSection(cluster),
  ].join('\n');
  const s = parseSections((await executor.probe(script)).stdout);
  return {
    home: s.get('home') ?? '',
    zooCfg: decodeFileSection(s.get('zooCfg')),
    myid: decodeFileSection(s.get('myid'))?.split('\n')[0],
    dataFiles: Number(s.get('dataFiles')) || 0,
    swap: s.get('swap')?.trim() || undefined,
  };
}

/**
 * Why a host about to join would bring state that is not this ensemble's: a myid of another id, or
 * snapshots and logs (another ensemble's, or an old one's: ZooKeeper would load them and either
 * refuse, "My id N not in the peer list", or offer stale data as its own).
 */
export function staleState(facts: MembershipFacts, myid: number): string | undefined {
  if (facts.myid !== undefined && facts.myid.trim() !== String(myid))
    return `its data/myid says ${JSON.stringify(facts.myid)}, the inventory ${myid}`;
  if (facts.dataFiles > 0) return `it holds ${facts.dataFiles} snapshot and log files from before`;
  return undefined;
}
