/** One check's verdict on one host (or on the ensemble). */
export interface CheckResult {
  id: string;
  status: 'pass' | 'warn' | 'fail';
  message: string;
  fix?: string;
}

/** A path's nearest existing directory: free space there, and whether the SSH user may write. */
export interface DiskFacts {
  path: string;
  freeKiB: number | undefined;
  writable: boolean;
}

/** What the check probe found on one host. */
export interface CheckFacts {
  java: string | undefined;
  /** First line of `java -version`. */
  javaVersion: string | undefined;
  disks: Record<string, DiskFacts>;
  /** TCP ports something listens on (any address). */
  listening: Set<number>;
  /** Our server's JVM is alive (pid file). */
  zookeeperRunning: boolean;
  /** A ZooKeeper is set up here (zkdeploy's profile block, a myid, a zookeeper.service): it may start. */
  zookeeperInstalled: boolean;
  /** Each server name → the address it resolves to on this host (undefined: does not resolve). */
  resolves: Map<string, string | undefined>;
  /** The SSH user's home, for the exact paths of commands run as root (the unit's copy). */
  home: string;
}
