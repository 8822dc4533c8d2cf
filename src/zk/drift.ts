/** One host's configuration as found on it, and as the inventory renders it. */
export interface HostConfig {
  name: string;
  /** conf/zoo.cfg on the host (undefined: missing). */
  zooCfg: string | undefined;
  /** data/myid on the host (undefined: missing). */
  myid: string | undefined;
  expectedZooCfg: string;
  expectedMyid: number;
  /** The release directory the host is set to run (ZOOKEEPER_HOME's name), when zkdeploy set one. */
  release?: string | undefined;
}

/** zoo.cfg as key/value lines in order, duplicates kept (unlike an ini reader, which merges them). */
export function readZooCfgLines(text: string): { key: string; value: string }[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const at = line.indexOf('=');
      return at === -1
        ? { key: line, value: '' }
        : { key: line.slice(0, at).trim(), value: line.slice(at + 1).trim() };
    });
}

function serverLines(zooCfg: string): string[] {
  return readZooCfgLines(zooCfg)
    .filter((l) => /^server\.\d+$/.test(l.key))
    .map((l) => `${l.key}=${l.value}`)
    .sort();
}

/**
 * Where the hosts differ from the inventory, and from each other: zoo.cfg or myid not as rendered,
 * `server.N` lines that disagree between hosts, and a myid that does not name its own host (which
 * ZooKeeper reports as "My id N not in the peer list").
 */
export function findDrift(hosts: HostConfig[]): { host: string; message: string }[] {
  const drift: { host: string; message: string }[] = [];
  const reference = hosts.find((h) => h.zooCfg !== undefined);
  const referenceLines = reference?.zooCfg === undefined ? undefined : serverLines(reference.zooCfg);
  for (const host of hosts) {
    const add = (message: string) => drift.push({ host: host.name, message });
    if (host.zooCfg === undefined) add('conf/zoo.cfg is missing');
    else if (host.zooCfg !== host.expectedZooCfg)
      add('conf/zoo.cfg differs from what the inventory renders (zkdeploy plan shows how)');
    const myid = host.myid?.split('\n')[0];
    if (myid === undefined) add('data/myid is missing');
    else if (myid !== String(host.expectedMyid))
      add(`data/myid is ${JSON.stringify(myid)}, the inventory says ${host.expectedMyid}`);
    if (host.zooCfg === undefined) continue;
    const lines = serverLines(host.zooCfg);
    if (reference && referenceLines && host !== reference && lines.join('\n') !== referenceLines.join('\n')) {
      add(`its server.N lines disagree with ${reference.name}'s`);
    }
    if (myid !== undefined && /^\d+$/.test(myid)) {
      const own = readZooCfgLines(host.zooCfg).find((l) => l.key === `server.${myid}`);
      if (!own) add(`myid ${myid} is not in its server list ("My id ${myid} not in the peer list")`);
      else if (own.value.split(':')[0]?.toLowerCase() !== host.name.toLowerCase()) {
        add(`myid ${myid} names ${own.value.split(':')[0]} in server.${myid}, not this host`);
      }
    }
  }
  return drift;
}

/**
 * Hosts set to run different releases (the release directories their ZOOKEEPER_HOME names): drift,
 * unless an upgrade or rollback is rolling them (`rolling` names it). One line for the ensemble, on
 * the first host of the odd release out.
 */
export function mixedReleases(
  hosts: readonly { name: string; release?: string | undefined }[],
  rolling: string | undefined,
): { host: string; message: string }[] {
  const byVersion = new Map<string, string[]>();
  for (const host of hosts)
    if (host.release) byVersion.set(host.release, [...(byVersion.get(host.release) ?? []), host.name]);
  if (byVersion.size < 2 || rolling) return [];
  const groups = [...byVersion].sort((a, b) => a[1].length - b[1].length);
  const odd = groups[0] as [string, string[]];
  return [
    {
      host: odd[1][0] as string,
      message: `mixed releases outside an upgrade: ${groups.map(([v, names]) => `${v} on ${names.join(', ')}`).join('; ')}; finish it with zkdeploy upgrade --tarball, or go back with zkdeploy rollback`,
    },
  ];
}
