/**
 * A commented starter inventory for the given hosts and SSH user: the guide's layout, every setting
 * that matters shown with its default, so an operator edits rather than looks things up.
 */
export function starterInventory(hosts: string[], user: string): string {
  const hostLines = hosts.map((name, i) => `  - name: ${name}\n    myid: ${i + 1}`).join('\n');
  return `# zkdeploy inventory: ${hosts.length} ZooKeeper servers. Written by zkdeploy init; edit freely.
# Next: zkdeploy check -i THIS_FILE -t zookeeper-X.Y.Z.tar.gz, then zkdeploy install ... --start
ssh:
  user: ${user}
  # port: 22
  # identity: ~/.ssh/id_ed25519      # default: ssh-agent, then ~/.ssh/id_* (and ~/.ssh/config)
  # proxyJump: ops@bastion           # jump host(s), as ssh -J takes them
zookeeper:
  # tarball: ~/setups/zookeeper-3.4.9.tar.gz   # or pass --tarball
  installDir: ~/zookeeper
  dataDir: ~/zookeeper/data
  dataLogDir: ~/zookeeper/logs
  clientPort: 2181
  quorumPort: 2888
  electionPort: 3888
  # heap: 1g
  # javaHome: /usr/java/default      # Java off the PATH (also per host)
  # settings:                        # extra zoo.cfg lines
  #   autopurge.purgeInterval: 24
# The guide's step 8 stops and disables firewalld; "open-ports" opens 2181/2888/3888 instead;
# "skip" leaves it alone.
firewall: disable
hosts:                               # the order gives myid (1, 2, ...) unless set
${hostLines}
`;
}
