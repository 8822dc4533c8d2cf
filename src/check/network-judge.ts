import type { NetworkFacts } from './network.js';
import type { PortOutcome } from './port-probe.js';
import type { CheckResult } from './types.js';

const MEANING: Record<Exclude<PortOutcome, 'open'>, string> = {
  refused: 'refused',
  rejected: 'rejected, as a firewall does',
  filtered: 'filtered: no answer, as when a firewall drops it',
  unresolved: 'its name does not resolve there',
  error: 'failed',
};

interface Failure {
  sender: string;
  receiver: string;
  port: number;
  outcome: Exclude<PortOutcome, 'open'>;
}

/** "RECEIVER:PORT" (the receiver may hold colons of its own) → its parts. */
function splitTarget(target: string): { receiver: string; port: number } {
  const cut = target.lastIndexOf(':');
  return { receiver: target.slice(0, cut), port: Number(target.slice(cut + 1)) };
}

/**
 * A connection refused by a host whose server is set up but stopped reached it: nothing listens
 * there on purpose, and the refusal is its kernel answering (a firewall rejects with "host
 * prohibited" or drops, and those stay failures).
 */
function answeredWhileStopped(facts: NetworkFacts, receiver: string, outcome: PortOutcome): boolean {
  return outcome === 'refused' && facts.stopped.includes(receiver);
}

function failuresOf(facts: NetworkFacts): { failures: Failure[]; tried: Map<string, Set<string>> } {
  const failures: Failure[] = [];
  // "RECEIVER:PORT" → the senders that tried it.
  const tried = new Map<string, Set<string>>();
  for (const [sender, outcomes] of facts.outcomes) {
    for (const [target, outcome] of outcomes) {
      const { receiver, port } = splitTarget(target);
      if (!tried.has(target)) tried.set(target, new Set());
      tried.get(target)?.add(sender);
      if (outcome !== 'open' && !answeredWhileStopped(facts, receiver, outcome))
        failures.push({ sender, receiver, port, outcome });
    }
  }
  return { failures, tried };
}

/**
 * The attempts a firewall blocks on a host whose firewall install will stop or open (`opening`:
 * host → what install does), set aside as expected, with the ports they were for.
 */
function setAsideFirewalled(
  facts: NetworkFacts,
  opening: Map<string, string>,
): { facts: NetworkFacts; expected: Map<string, Set<number>> } {
  const expected = new Map<string, Set<number>>();
  const outcomes = new Map<string, Map<string, PortOutcome>>();
  for (const [sender, tried] of facts.outcomes) {
    const kept = new Map<string, PortOutcome>();
    for (const [target, outcome] of tried) {
      const { receiver, port } = splitTarget(target);
      if (opening.has(receiver) && (outcome === 'rejected' || outcome === 'filtered')) {
        if (!expected.has(receiver)) expected.set(receiver, new Set());
        expected.get(receiver)?.add(port);
      } else kept.set(target, outcome);
    }
    outcomes.set(sender, kept);
  }
  return { facts: { ...facts, outcomes }, expected };
}

const outcomesOf = (list: Failure[]) => [...new Set(list.map((f) => MEANING[f.outcome]))].join('; ');

/**
 * The network verdict of each host, blaming where the fault lies: a port that no other host reaches
 * is closed on its own host; a host that reaches no other host at all has its outgoing path cut;
 * anything else names the pairs, on the receiving host. `roles` names each port (2888 → quorum).
 */
export function judgeNetworks(
  hosts: string[],
  measured: NetworkFacts,
  roles: Map<number, string>,
  opening: Map<string, string> = new Map(),
): Map<string, CheckResult> {
  const { facts, expected } = setAsideFirewalled(measured, opening);
  const { failures, tried } = failuresOf(facts);
  const attemptsBy = (sender: string) => facts.outcomes.get(sender)?.size ?? 0;
  // A sender whose every attempt failed: its own outgoing path, not every receiver, is at fault.
  const cutOff = new Set(
    hosts.filter((h) => attemptsBy(h) > 1 && failures.filter((f) => f.sender === h).length === attemptsBy(h)),
  );
  const blamed = new Map<string, string[]>();
  const blamedLater = new Map<string, string>();
  const blame = (host: string, text: string) => blamed.set(host, [...(blamed.get(host) ?? []), text]);
  for (const sender of cutOff) {
    blame(
      sender,
      `cannot connect to any other host (${outcomesOf(failures.filter((f) => f.sender === sender))})`,
    );
  }
  // A pair with every attempt failing both ways: the path between them, not either host's ports.
  const attemptsBetween = (a: string, b: string) =>
    [...(facts.outcomes.get(a)?.keys() ?? [])].filter((t) => t.startsWith(`${b}:`)).length;
  const failedBetween = (a: string, b: string) => failures.filter((f) => f.sender === a && f.receiver === b);
  const cutPairs = new Set<string>();
  for (const [i, a] of hosts.entries()) {
    for (const b of hosts.slice(i + 1)) {
      if (cutOff.has(a) || cutOff.has(b)) continue;
      const ab = failedBetween(a, b);
      const ba = failedBetween(b, a);
      if (ab.length === 0 || ba.length === 0) continue;
      if (ab.length !== attemptsBetween(a, b) || ba.length !== attemptsBetween(b, a)) continue;
      cutPairs.add(`${a}|${b}`);
      const why = outcomesOf([...ab, ...ba]);
      blame(a, `no connection with ${b}, either way (${why})`);
      blame(b, `no connection with ${a}, either way (${why})`);
    }
  }
  const inCutPair = (f: Failure) =>
    cutPairs.has(`${f.sender}|${f.receiver}`) || cutPairs.has(`${f.receiver}|${f.sender}`);
  const byTarget = new Map<string, Failure[]>();
  for (const f of failures) {
    if (cutOff.has(f.sender) || inCutPair(f)) continue;
    const key = `${f.receiver}:${f.port}`;
    byTarget.set(key, [...(byTarget.get(key) ?? []), f]);
  }
  for (const [target, list] of byTarget) {
    const [first] = list;
    if (!first) continue;
    const role = roles.get(first.port) ?? 'port';
    const senders = [...(tried.get(target) ?? [])].filter((s) => !cutOff.has(s));
    const from =
      list.length === senders.length
        ? 'any other host'
        : list
            .map((f) => f.sender)
            .sort()
            .join(', ');
    blame(first.receiver, `${target} (${role}) cannot be reached from ${from} (${outcomesOf(list)})`);
  }
  // Blocked now by a firewall that install's own firewall step opens: said, not held against it.
  for (const [host, ports] of expected) {
    const note = `ports ${[...ports].sort((a, b) => a - b).join(', ')} blocked now by its firewall; ${opening.get(host)}, which opens them (check again after install)`;
    if (blamed.has(host)) blame(host, note);
    else blamedLater.set(host, note);
  }
  const verdicts = new Map<string, CheckResult>();
  for (const host of hosts) {
    const problems = blamed.get(host);
    if (problems) {
      verdicts.set(host, {
        id: 'network',
        status: 'fail',
        message: problems.join('; '),
        fix: cutOff.has(host)
          ? `let ${host} connect out to the other servers (its firewall's outgoing rules, its route, a security group)`
          : problems.every((p) => p.startsWith('no connection with'))
            ? `look at the route and any filter between those hosts (ip route get ADDRESS on each; a blackhole or a security group)`
            : `open those ports on ${host} to the other servers (firewalld: --firewall open-ports, or firewall-cmd --add-port=PORT/tcp), or make ${host}'s name resolve to its right address on every host`,
      });
      continue;
    }
    if (facts.serving.includes(host)) {
      verdicts.set(host, {
        id: 'network',
        status: 'pass',
        message:
          'its server runs: its ports are left alone (status shows its place in the quorum); reaches the others',
      });
      continue;
    }
    const later = blamedLater.get(host);
    if (later) {
      verdicts.set(host, { id: 'network', status: 'warn', message: later });
      continue;
    }
    if (facts.untestable.includes(host)) {
      verdicts.set(host, {
        id: 'network',
        status: 'warn',
        message: 'its ports could not be tested: no perl or python3 to listen with',
        fix: 'install perl (or python3) for the check, or check ports 2181, 2888 and 3888 between the hosts by hand',
      });
      continue;
    }
    const received = [...tried.keys()]
      .filter((t) => t.startsWith(`${host}:`))
      .map((t) => t.slice(host.length + 1));
    if (facts.stopped.includes(host)) {
      // A refusal is the host answering, but a firewall's REJECT answers the same: said, not passed.
      verdicts.set(host, {
        id: 'network',
        status: 'warn',
        message: `its server is set up and stopped: nothing binds its ports during the check (the server may start meanwhile); ports ${received.join(', ')} answer every other host with a refusal, as a closed port does and a firewall's REJECT too; reaches theirs`,
        fix: 'start the server and read zkdeploy status (a blocked port shows as a server that cannot join), or look at its firewall rules for those ports',
      });
      continue;
    }
    verdicts.set(host, {
      id: 'network',
      status: 'pass',
      message: received.length
        ? `ports ${received.join(', ')} reached from every other host; reaches theirs`
        : 'no port of this host to test (its server runs with none of them listening yet)',
    });
  }
  return verdicts;
}
