import type { ClusterSettings } from './types.js';

/** The ports a ZooKeeper server of this cluster listens on, by setting name (the AdminServer's when on). */
export function serverPorts(cluster: ClusterSettings): Record<string, number> {
  const chosen: Record<string, number> = {
    clientPort: cluster.clientPort,
    quorumPort: cluster.quorumPort,
    electionPort: cluster.electionPort,
  };
  if (cluster.settings['admin.enableServer'] === 'true')
    chosen['admin.serverPort'] = Number(cluster.settings['admin.serverPort'] ?? 8080);
  return chosen;
}
