/**
 * What to do about firewalld (the guide's step 8): stop and disable it, open ZooKeeper's ports and
 * keep it on, or leave it alone.
 */
export type FirewallMode = 'disable' | 'open-ports' | 'skip';

/**
 * How the server runs: the guide's `zkServer.sh start`, or a systemd unit that zkdeploy writes and
 * enables (the server restarted after a crash, started at boot).
 */
export type ServiceMode = 'zkServer.sh' | 'systemd';

/** One ZooKeeper server host, as the inventory names it. */
export interface HostSpec {
  /** The name in `server.N` lines, and the SSH target unless `address` is set. */
  name: string;
  /** Where the control machine reaches the host over SSH, when not by `name` (or ssh config's HostName). */
  address: string | undefined;
  /** The SSH port given for this host; unset: ssh.port, ssh config, 22. */
  port: number | undefined;
  /** Jump hosts for this host (`[user@]host[:port],…` or `none`); unset: ssh.proxyJump, ssh config. */
  proxyJump: string | undefined;
  myid: number;
  /** Where Java lives on this host (its JAVA_HOME), when not zookeeper.javaHome. */
  javaHome?: string | undefined;
  /** A non-voting observer: it serves reads and forwards writes, and never counts for the quorum. */
  observer?: boolean | undefined;
}

/**
 * SSH settings as flags or the inventory gave them (flags win). What is unset comes from the SSH
 * config (~/.ssh/config or --ssh-config) for each host, then from OpenSSH's defaults.
 */
export interface SshGiven {
  user: string | undefined;
  port: number | undefined;
  /** An identity file; unset means ssh config's IdentityFile, else the agent, then ~/.ssh/id_*. */
  identity: string | undefined;
  proxyJump: string | undefined;
}

/** Settings shared by every host. Remote paths may start with `~/` (the SSH user's home). */
export interface ClusterSettings {
  ssh: SshGiven;
  tarball: string | undefined;
  installDir: string;
  dataDir: string;
  dataLogDir: string;
  /** The server's own log files (ZOO_LOG_DIR), outside the release so upgrades keep them. */
  serverLogDir: string;
  clientPort: number;
  quorumPort: number;
  electionPort: number;
  tickTime: number;
  initLimit: number;
  syncLimit: number;
  /** JVM heap such as `512m`; none leaves ZooKeeper's default. */
  heap: string | undefined;
  /**
   * JAVA_HOME for every host (a host's own `javaHome` wins): for Java in /usr/java or /opt, off the
   * PATH. Unset: java on the PATH, or the one a login shell finds.
   */
  javaHome?: string | undefined;
  /** Extra zoo.cfg settings, written after the ones above. */
  settings: Record<string, string>;
  firewall: FirewallMode;
  service: ServiceMode;
}

/** A validated inventory: where it came from, the shared settings, the hosts in myid order of listing. */
export interface Inventory {
  /** As shown in messages (relative to here where possible). */
  file: string;
  /** Absolute path, remembered for later commands. */
  path: string;
  cluster: ClusterSettings;
  hosts: HostSpec[];
  warnings: string[];
}
