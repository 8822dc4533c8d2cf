/** One host's configuration as found on it, and as the inventory renders it. */
export interface HostConfig {
  name: string;
  /** conf/zoo.cfg on the host (undefined: missing). */
  zooCfg: string | undefined;
  /** data/myid on the host (undefined: missing). */
  myid: string | undefined;
  expectedZooCfg: string;
  expectedMyid: number;
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
