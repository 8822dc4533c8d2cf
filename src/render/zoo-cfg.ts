import { encode } from 'ini';
import type { ClusterSettings, HostSpec } from '../inventory/types.js';
import { absoluteRemotePath } from '../remote/paths.js';
import { renderTemplate } from './template.js';

/**
 * Written unless the inventory says otherwise. The whitelist and the AdminServer are harmless on
 * 3.4.x (unknown keys become system properties); on 3.5+ they allow the four-letter words zkdeploy
 * uses and keep the AdminServer off 8080. Autopurge: ZooKeeper never removes old snapshots and
 * transaction logs by itself, and the disk fills; keeping the newest 3 snapshots (with the logs
 * they need), purged once a day, is what its administrator's guide suggests.
 */
export const DEFAULT_SETTINGS: Readonly<Record<string, string>> = {
  '4lw.commands.whitelist': 'srvr,mntr,ruok,conf,isro',
  'admin.enableServer': 'false',
  'autopurge.snapRetainCount': '3',
  'autopurge.purgeInterval': '24',
};

/** The `server.N=host:quorum:election` line of one host: no `;clientPort` (3.4 cannot parse it), no trailing space. */
export function serverLine(host: HostSpec, cluster: ClusterSettings): string {
  return `server.${host.myid}=${host.name}:${cluster.quorumPort}:${cluster.electionPort}${host.observer ? ':observer' : ''}`;
}

/**
 * conf/zoo.cfg of a host of the ensemble (the same file on each voter; an observer's also says
 * peerType=observer), in one form valid for 3.4.x and 3.5+.
 */
export function renderZooCfg(
  cluster: ClusterSettings,
  hosts: readonly HostSpec[],
  home: string,
  self?: HostSpec,
): string {
  const observer = self && hosts.find((h) => h.myid === self.myid)?.observer;
  const settings = {
    ...DEFAULT_SETTINGS,
    ...(observer ? { peerType: 'observer' } : {}),
    ...cluster.settings,
  };
  return renderTemplate('zoo.cfg', {
    tickTime: String(cluster.tickTime),
    initLimit: String(cluster.initLimit),
    syncLimit: String(cluster.syncLimit),
    dataDir: absoluteRemotePath(cluster.dataDir, home),
    dataLogDir: absoluteRemotePath(cluster.dataLogDir, home),
    clientPort: String(cluster.clientPort),
    settings: encode(settings).trimEnd(),
    servers: [...hosts]
      .sort((a, b) => a.myid - b.myid)
      .map((h) => serverLine(h, cluster))
      .join('\n'),
  });
}
