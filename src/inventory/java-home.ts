import type { ClusterSettings, HostSpec } from './types.js';

/** The Java home the inventory gives a host: its own `javaHome`, else zookeeper.javaHome. */
export function javaHomeOf(host: HostSpec, cluster: ClusterSettings): string | undefined {
  return host.javaHome ?? cluster.javaHome;
}
