import type { HostExecutor } from '../run/executor.js';
import type { Fleet } from '../run/fleet.js';
import { within } from '../timing.js';
import {
  connectCommand,
  type ListenerReport,
  listenerCommand,
  type PortOutcome,
  type PortTarget,
  parseConnections,
  parseListener,
} from './port-probe.js';

/** At most this many connections at once from one host; each given this long. */
const PARALLEL_PER_HOST = 16;
const CONNECT_TIMEOUT_S = 2;
/** A listener's longest life, whatever happens to zkdeploy (it normally ends within seconds). */
const LISTENER_LIFETIME_S = 120;
const LISTENER_READY_MS = 10_000;

/** What one host knows about itself before the test: its server runs or is set up, what already listens. */
export interface NetworkHostFacts {
  running: boolean;
  installed: boolean;
  listening: Set<number>;
}

/** The outcome of every connection tried: sender → "RECEIVER:PORT" → outcome. */
export interface NetworkFacts {
  outcomes: Map<string, Map<string, PortOutcome>>;
  /** Hosts whose ports could not be offered (no Perl or Python to listen with, or it never came up). */
  untestable: string[];
  /** Hosts whose server runs: their ports are left alone (a connection would show in its log). */
  serving: string[];
  /**
   * Hosts whose server is set up but stopped: nothing binds their ports (the server may start during
   * the check and must find them free); the others connect, and a refusal there is the host answering.
   */
  stopped: string[];
}

interface Listener {
  stop: () => void;
  done: Promise<number>;
}

/** Starts a listener on a host's free ports and waits until it has bound them. */
async function lendPorts(
  executor: HostExecutor,
  ports: number[],
): Promise<{ listener: Listener; report: ListenerReport }> {
  let output = '';
  let settle: () => void = () => undefined;
  const said = new Promise<void>((resolve) => {
    settle = resolve;
  });
  const listener = await executor.session.stream(listenerCommand(ports, LISTENER_LIFETIME_S), (chunk) => {
    output += chunk.toString();
    const report = parseListener(output);
    if (report.ready || report.unavailable) settle();
  });
  listener.done.then(settle, settle);
  await within(said, LISTENER_READY_MS);
  return { listener, report: parseListener(output) };
}

/**
 * Tries ZooKeeper's ports between every pair of reachable hosts, as the servers will use them: free
 * ports get a listener for the length of the test (a port something else holds answers for itself).
 * A host whose server runs is left alone, so no server notices a check: nothing binds beside it
 * and nothing connects to it (its place in the quorum is what `status` reports). A host whose server
 * is set up but stopped gets connections and no listener: a server starting then (systemd, a
 * reboot, a hand) would lose its election port to one (3.4's QuorumCnxManager gives up after 3 tries).
 */
export async function probeNetwork(
  fleet: Fleet,
  ports: number[],
  hostFacts: Map<string, NetworkHostFacts>,
): Promise<NetworkFacts> {
  const reachable = fleet.hosts.filter((h) => h.executor && hostFacts.has(h.spec.name));
  const answering = new Map<string, number[]>();
  const untestable: string[] = [];
  const serving: string[] = [];
  const stopped: string[] = [];
  const listeners: Listener[] = [];
  try {
    await Promise.all(
      reachable.map(async (host) => {
        const name = host.spec.name;
        const facts = hostFacts.get(name);
        const executor = host.executor;
        if (!facts || !executor) return;
        if (facts.running) {
          serving.push(name);
          return;
        }
        if (facts.installed) {
          stopped.push(name);
          answering.set(name, ports);
          return;
        }
        const already = ports.filter((p) => facts.listening.has(p));
        const free = ports.filter((p) => !facts.listening.has(p));
        if (free.length === 0) {
          answering.set(name, already);
          return;
        }
        const { listener, report } = await lendPorts(executor, free);
        listeners.push(listener);
        if (!report.ready) untestable.push(name);
        answering.set(
          name,
          [...already, ...report.listening, ...report.busy].sort((a, b) => a - b),
        );
      }),
    );
    const outcomes = new Map<string, Map<string, PortOutcome>>();
    await Promise.all(
      reachable.map(async (host, index) => {
        // Each host starts with the one after itself: no host takes every other host's first wave.
        const rotated = [...reachable.slice(index + 1), ...reachable.slice(0, index)];
        const targets: PortTarget[] = rotated
          .filter((other) => !untestable.includes(other.spec.name))
          .map((other) => ({ name: other.spec.name, ports: answering.get(other.spec.name) ?? [] }))
          .filter((t) => t.ports.length > 0);
        if (targets.length === 0 || !host.executor) return;
        const result = await host.executor.probe(
          connectCommand(targets, PARALLEL_PER_HOST, CONNECT_TIMEOUT_S),
        );
        outcomes.set(host.spec.name, parseConnections(result.stdout));
      }),
    );
    return { outcomes, untestable, serving, stopped };
  } finally {
    // End of input ends each listener; its SSH channel closing is waited for, briefly.
    for (const listener of listeners) listener.stop();
    await Promise.race([
      Promise.allSettled(listeners.map((l) => l.done)),
      new Promise((resolve) => setTimeout(resolve, 3000).unref()),
    ]);
  }
}
