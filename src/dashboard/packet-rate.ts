import type { Metric } from './sample.js';

/**
 * Below this gap between two samples the rate is left unsaid: a couple of packets over a few
 * milliseconds (the sample taken before serving and the loop's first) read as dozens a second.
 */
const SHORTEST_SPAN_MS = 500;

/** Requests per second of each server, from the packet counter srvr reports, sample to sample. */
export class PacketRate {
  private readonly last = new Map<string, { received: number; t: number }>();

  of(name: string, received: Metric, now: number): Metric {
    if (received === null) return null;
    const before = this.last.get(name);
    const restarted = before !== undefined && received < before.received;
    if (before && !restarted && now - before.t < SHORTEST_SPAN_MS) return null;
    this.last.set(name, { received, t: now });
    // A restarted server counts from zero again: no rate until the next sample.
    if (!before || restarted) return null;
    return Math.round(((received - before.received) * 1000) / (now - before.t));
  }
}
