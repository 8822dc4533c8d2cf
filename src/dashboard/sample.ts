import { parseMntr } from '../zk/mntr.js';
import { parseSrvr } from '../zk/srvr.js';

/** A metric as the page shows it: a number, or null where the server does not report it (never 0). */
export type Metric = number | null;

/** One server at one moment, from its `srvr` and `mntr` answers. */
export interface ServerSample {
  mode: string;
  zxid: string | null;
  version: string | null;
  latency: { min: Metric; avg: Metric; max: Metric };
  outstanding: Metric;
  connections: Metric;
  znodes: Metric;
  watches: Metric;
  dataBytes: Metric;
  /** Packets received since the server started: requests per second are its growth. */
  received: Metric;
  /** Seconds since the server started (mntr of 3.6+ only). */
  uptimeSeconds: Metric;
  /** The mntr keys this server reported, for "absent" to be told from "zero". */
  mntr: boolean;
}

const numberOr = (value: string | undefined): Metric =>
  value === undefined || value === '' || Number.isNaN(Number(value)) ? null : Number(value);

/**
 * A server's sample: mntr where it answers (3.4.0+, and whitelisted on 3.5+), srvr for the rest.
 * A value neither reports stays null: 3.4.9 has no zk_uptime, and a server without mntr no watches.
 */
export function sampleFrom(srvr: string, mntr: string | undefined): ServerSample {
  const s = parseSrvr(srvr);
  const m = parseMntr(mntr ?? '');
  const srvrField = (name: string) => new RegExp(`^${name}: (.*)$`, 'm').exec(srvr)?.[1]?.trim();
  const [min, avg, max] = (s.latency ?? '').split('/').map((v) => numberOr(v));
  const uptimeMs = numberOr(m.get('zk_uptime'));
  return {
    mode: s.mode ?? (s.notServing ? 'not-serving' : 'down'),
    zxid: s.zxid ?? null,
    version: s.version ?? null,
    latency: {
      min: numberOr(m.get('zk_min_latency')) ?? min ?? null,
      avg: numberOr(m.get('zk_avg_latency')) ?? avg ?? null,
      max: numberOr(m.get('zk_max_latency')) ?? max ?? null,
    },
    outstanding: numberOr(m.get('zk_outstanding_requests')) ?? numberOr(srvrField('Outstanding')),
    connections: numberOr(m.get('zk_num_alive_connections')) ?? s.connections ?? null,
    znodes: numberOr(m.get('zk_znode_count')) ?? s.nodeCount ?? null,
    watches: numberOr(m.get('zk_watch_count')),
    dataBytes: numberOr(m.get('zk_approximate_data_size')),
    received: numberOr(m.get('zk_packets_received')) ?? numberOr(srvrField('Received')),
    uptimeSeconds: uptimeMs === null ? null : Math.round(uptimeMs / 1000),
    mntr: m.size > 0,
  };
}
