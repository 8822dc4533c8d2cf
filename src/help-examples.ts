/** Examples shown at the end of each command's --help: what an operator types most. */
export const HELP_EXAMPLES: Record<string, string[]> = {
  zkdeploy: [
    'zkdeploy init --hosts zk1,zk2,zk3 --user admin > zk.yaml',
    'zkdeploy install -i zk.yaml -t zookeeper-3.4.9.tar.gz --start',
    'zkdeploy status',
  ],
  init: ['zkdeploy init --hosts LZY-01,LZY-02,LZY-03,LZY-04,LZY-05 --user admin > lzy.yaml'],
  install: [
    'zkdeploy install -i inventories/lzy.yaml -t ~/setups/zookeeper-3.4.9.tar.gz',
    'zkdeploy install --start                 # then start and wait for the quorum',
    'zkdeploy install --dry-run               # what would change, with diffs',
  ],
  plan: ['zkdeploy plan', 'zkdeploy plan --json | jq ".hosts[].steps[] | select(.change) | .id"'],
  start: ['zkdeploy start', 'zkdeploy start --hosts LZY-03 --timeout 120'],
  stop: ['zkdeploy stop', 'zkdeploy stop --hosts LZY-02'],
  restart: [
    'zkdeploy restart                        # rolling, the leader last',
    'zkdeploy restart --hosts LZY-02,LZY-04',
  ],
  upgrade: [
    'zkdeploy upgrade --tarball ~/setups/apache-zookeeper-3.8.0-bin.tar.gz --dry-run',
    'zkdeploy upgrade --tarball ~/setups/apache-zookeeper-3.8.0-bin.tar.gz',
  ],
  rollback: ['zkdeploy rollback --dry-run', 'zkdeploy rollback'],
  backup: [
    'zkdeploy backup -o /srv/zk-backups --keep 7',
    'zkdeploy backup                           # into ./zkdeploy-backups',
  ],
  restore: [
    'zkdeploy restore /srv/zk-backups/lzy-20261202T100133-0x200000016 --dry-run',
    'zkdeploy restore /srv/zk-backups/lzy-20261202T100133-0x200000016',
  ],
  dashboard: [
    'zkdeploy dashboard            # prints http://127.0.0.1:PORT/?token=…',
    'zkdeploy dashboard --port 8181',
  ],
  scale: ['zkdeploy scale --dry-run', 'zkdeploy scale'],
  history: ['zkdeploy history', 'zkdeploy history --json | jq ".[-1].hosts"'],
  uninstall: [
    'zkdeploy uninstall                      # keeps the data',
    'zkdeploy uninstall --purge-data --yes',
  ],
  check: ['zkdeploy check -i inventories/lzy.yaml -t zookeeper-3.4.9.tar.gz', 'zkdeploy check --json'],
  logs: ['zkdeploy logs -n 50', 'zkdeploy logs --follow --hosts LZY-01'],
  verify: ['zkdeploy verify', 'zkdeploy verify --json'],
  status: ['zkdeploy status', 'zkdeploy status --json | jq .healthy', 'zkdeploy status --raw'],
  'connect-string': ['zkdeploy connect-string', 'zkdeploy connect-string --for kafka >> server.properties'],
  completion: [
    'source <(zkdeploy completion bash)',
    'zkdeploy completion zsh > ~/.zfunc/_zkdeploy   # with fpath+=(~/.zfunc)',
  ],
};

/** The block commander prints after a command's options. */
export function examplesText(command: string): string {
  const lines = HELP_EXAMPLES[command];
  return lines ? `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n` : '';
}
