/** A server's state as its `srvr` four-letter word reports it. */
export interface SrvrReport {
  mode: string | undefined;
  version: string | undefined;
  /** The whole version line: release, revision and build date, which tell two builds apart. */
  build: string | undefined;
  zxid: string | undefined;
  connections: number | undefined;
  latency: string | undefined;
  nodeCount: number | undefined;
  /** The server answered but does not serve (no quorum yet, or lost). */
  notServing: boolean;
}

const MODE = /^Mode: ([\w-]+)$/m;

/** Parses a `srvr` reply (3.4.x and 3.5+ share its lines). */
export function parseSrvr(reply: string): SrvrReport {
  const field = (name: string) => new RegExp(`^${name}: (.*)$`, 'm').exec(reply)?.[1]?.trim();
  const number = (name: string) => {
    const value = field(name);
    return value === undefined || Number.isNaN(Number(value)) ? undefined : Number(value);
  };
  return {
    mode: MODE.exec(reply)?.[1],
    version: field('Zookeeper version')?.split(/[-,\s]/)[0],
    build: field('Zookeeper version'),
    zxid: field('Zxid'),
    connections: number('Connections'),
    latency: field('Latency min/avg/max'),
    nodeCount: number('Node count'),
    notServing: /not currently serving requests/.test(reply),
  };
}

/** The mode in `zkServer.sh status` output, or undefined for "Error contacting service". */
export function parseStatusOutput(stdout: string): string | undefined {
  return MODE.exec(stdout)?.[1];
}
