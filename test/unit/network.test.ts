// The network check: its verdicts (who is blamed for what), and its two shell halves run for real on
// this machine's loopback (a listener on free ports, connections to them and to a closed port).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { describe, test } from 'node:test';
import type { NetworkFacts } from '../../src/check/network.js';
import { judgeNetworks } from '../../src/check/network-judge.js';
import {
  connectCommand,
  listenerCommand,
  PERL_CONNECTOR,
  PERL_LISTENER,
  type PortOutcome,
  PYTHON_CONNECTOR,
  PYTHON_LISTENER,
  parseConnections,
  parseListener,
} from '../../src/check/port-probe.js';
import { shellQuote } from '../../src/remote/quote.js';

const HOSTS = ['LZY-01', 'LZY-02', 'LZY-03', 'LZY-04', 'LZY-05'];
const PORTS = [2181, 2888, 3888];
const ROLES = new Map([
  [2181, 'client'],
  [2888, 'quorum'],
  [3888, 'election'],
]);

/** Every pair tried on every port, open unless `outcome` says otherwise. */
function facts(
  outcome: (sender: string, receiver: string, port: number) => PortOutcome = () => 'open',
): NetworkFacts {
  const outcomes = new Map<string, Map<string, PortOutcome>>();
  for (const sender of HOSTS) {
    const mine = new Map<string, PortOutcome>();
    for (const receiver of HOSTS.filter((h) => h !== sender))
      for (const port of PORTS) mine.set(`${receiver}:${port}`, outcome(sender, receiver, port));
    outcomes.set(sender, mine);
  }
  return { outcomes, untestable: [], serving: [], stopped: [] };
}

describe('network verdicts', () => {
  test('every port reached between every pair: every host passes', () => {
    for (const verdict of judgeNetworks(HOSTS, facts(), ROLES).values()) assert.equal(verdict.status, 'pass');
  });

  test('one port closed on one host: that host and port are named, nobody else is blamed', () => {
    const verdicts = judgeNetworks(
      HOSTS,
      facts((_, receiver, port) => (receiver === 'LZY-04' && port === 3888 ? 'filtered' : 'open')),
      ROLES,
    );
    const lzy04 = verdicts.get('LZY-04');
    assert.equal(lzy04?.status, 'fail');
    assert.match(
      lzy04?.message ?? '',
      /^LZY-04:3888 \(election\) cannot be reached from any other host \(filtered/,
    );
    assert.match(lzy04?.fix ?? '', /open those ports on LZY-04/);
    for (const host of HOSTS.filter((h) => h !== 'LZY-04'))
      assert.equal(verdicts.get(host)?.status, 'pass', host);
  });

  test('a host whose outgoing connections all fail is blamed itself, not every receiver', () => {
    const verdicts = judgeNetworks(
      HOSTS,
      facts((sender) => (sender === 'LZY-02' ? 'rejected' : 'open')),
      ROLES,
    );
    assert.match(
      verdicts.get('LZY-02')?.message ?? '',
      /^cannot connect to any other host \(rejected, as a firewall does\)/,
    );
    for (const host of HOSTS.filter((h) => h !== 'LZY-02'))
      assert.equal(verdicts.get(host)?.status, 'pass', host);
  });

  test('one pair blocked: named on the receiving host, with the sender', () => {
    const verdicts = judgeNetworks(
      HOSTS,
      facts((sender, receiver, port) =>
        sender === 'LZY-01' && receiver === 'LZY-05' && port === 2888 ? 'refused' : 'open',
      ),
      ROLES,
    );
    assert.equal(
      verdicts.get('LZY-05')?.message,
      'LZY-05:2888 (quorum) cannot be reached from LZY-01 (refused)',
    );
    assert.equal(verdicts.get('LZY-01')?.status, 'pass');
  });

  test('no connection either way between two hosts: the path between them is named, on both, and nobody else', () => {
    const cut = (a: string, b: string) =>
      (a === 'LZY-01' && b === 'LZY-04') || (a === 'LZY-04' && b === 'LZY-01');
    const verdicts = judgeNetworks(
      HOSTS,
      facts((sender, receiver) => (cut(sender, receiver) ? 'filtered' : 'open')),
      ROLES,
    );
    assert.match(verdicts.get('LZY-01')?.message ?? '', /^no connection with LZY-04, either way \(filtered/);
    assert.match(verdicts.get('LZY-04')?.message ?? '', /^no connection with LZY-01, either way/);
    assert.match(verdicts.get('LZY-04')?.fix ?? '', /route/);
    for (const host of ['LZY-02', 'LZY-03', 'LZY-05']) assert.equal(verdicts.get(host)?.status, 'pass', host);
  });

  test("firewalld on every host (the guide's hosts): blocked now, expected where install's firewall step opens the way", () => {
    const everyOneRejected = facts(() => 'rejected');
    const refused = judgeNetworks(HOSTS, everyOneRejected, ROLES);
    for (const verdict of refused.values()) assert.equal(verdict.status, 'fail');
    const opening = new Map(HOSTS.map((h) => [h, 'install stops and disables firewalld']));
    const expected = judgeNetworks(HOSTS, everyOneRejected, ROLES, opening);
    for (const [host, verdict] of expected) {
      assert.equal(verdict.status, 'warn', host);
      assert.equal(
        verdict.message,
        'ports 2181, 2888, 3888 blocked now by its firewall; install stops and disables firewalld, which opens them (check again after install)',
      );
    }
    // Only where install opens the way: a host it leaves alone is still blamed.
    const partly = judgeNetworks(
      HOSTS,
      facts((_, receiver) => (receiver === 'LZY-02' ? 'rejected' : 'open')),
      ROLES,
      new Map(),
    );
    assert.equal(partly.get('LZY-02')?.status, 'fail');
  });

  test('a host with nothing to listen with is a warning, not a pass', () => {
    const verdicts = judgeNetworks(HOSTS, { ...facts(), untestable: ['LZY-03'] }, ROLES);
    assert.equal(verdicts.get('LZY-03')?.status, 'warn');
    assert.match(verdicts.get('LZY-03')?.message ?? '', /no perl or python3/);
  });

  test('a set-up server that is stopped: its refusals are its answer, while a firewall is still blamed', () => {
    const refusedBy3 = facts((_, receiver) => (receiver === 'LZY-03' ? 'refused' : 'open'));
    const verdicts = judgeNetworks(HOSTS, { ...refusedBy3, stopped: ['LZY-03'] }, ROLES);
    for (const [host, verdict] of verdicts) assert.equal(verdict.status, host === 'LZY-03' ? 'warn' : 'pass');
    assert.match(
      verdicts.get('LZY-03')?.message ?? '',
      /set up and stopped: nothing binds its ports.*a firewall's REJECT too/,
    );
    // Where no server is set up, the listener should have answered: a refusal is a failure.
    assert.equal(judgeNetworks(HOSTS, refusedBy3, ROLES).get('LZY-03')?.status, 'fail');
    const rejected = facts((_, receiver) => (receiver === 'LZY-03' ? 'rejected' : 'open'));
    const blocked = judgeNetworks(HOSTS, { ...rejected, stopped: ['LZY-03'] }, ROLES).get('LZY-03');
    assert.equal(blocked?.status, 'fail');
    assert.match(blocked?.message ?? '', /rejected, as a firewall does/);
  });
});

/** Ports nobody listens on right now (bound then released). */
async function freePorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  for (let i = 0; i < count; i++) {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address && typeof address === 'object') ports.push(address.port);
    await new Promise((resolve) => server.close(resolve));
  }
  return ports;
}

/** Whether a program that does not ask for SO_REUSEADDR can bind the port now (no TIME_WAIT left). */
const bindsWithoutReuse = (port: number) =>
  spawnSync('perl', [
    '-MIO::Socket::INET',
    '-e',
    `IO::Socket::INET->new(LocalPort => ${port}, Listen => 1) or exit 1`,
  ]).status === 0;

describe('the listener and the connections, on this machine', () => {
  const programs = [
    ['Perl', (ports: number[]) => `perl -e ${shellQuote(PERL_LISTENER)} 30 ${ports.join(' ')}`],
    ['Python', (ports: number[]) => `python3 -c ${shellQuote(PYTHON_LISTENER)} 30 ${ports.join(' ')}`],
    ['the chooser', (ports: number[]) => listenerCommand(ports, 30)],
  ] as const;
  for (const [name, command] of programs) {
    test(`${name}: holds free ports, reports a busy one, leaves no TIME_WAIT, ends at end of input`, async () => {
      const [a = 0, b = 0, closed = 0] = await freePorts(3);
      const taken = createServer();
      await new Promise<void>((resolve) => taken.listen(b, '0.0.0.0', resolve));
      const listener = spawn('bash', ['-c', command([a, b])], { stdio: ['pipe', 'pipe', 'inherit'] });
      let said = '';
      await new Promise<void>((resolve) =>
        listener.stdout.on('data', (d: Buffer) => {
          said += d.toString();
          if (parseListener(said).ready) resolve();
        }),
      );
      try {
        assert.deepEqual(parseListener(said), { listening: [a], busy: [b], ready: true, unavailable: false });
        const targets = [
          { name: '127.0.0.1', ports: [a, b, closed] },
          { name: 'no-such-host.invalid', ports: [a] },
        ];
        const expected = {
          [`127.0.0.1:${a}`]: 'open',
          [`127.0.0.1:${b}`]: 'open',
          [`127.0.0.1:${closed}`]: 'refused',
          [`no-such-host.invalid:${a}`]: 'unresolved',
        };
        const args = [
          '2',
          '2',
          `127.0.0.1:${a}`,
          `127.0.0.1:${b}`,
          `127.0.0.1:${closed}`,
          `no-such-host.invalid:${a}`,
        ];
        for (const [how, argv] of [
          ['the chooser', ['bash', '-c', connectCommand(targets, 2, 2)]],
          ['Perl', ['perl', '-e', PERL_CONNECTOR, ...args]],
          ['Python', ['python3', '-c', PYTHON_CONNECTOR, ...args]],
        ] as const) {
          const [program = '', ...rest] = argv;
          const connect = spawnSync(program, rest, { encoding: 'utf8' });
          assert.deepEqual(
            Object.fromEntries(parseConnections(connect.stdout)),
            expected,
            `${how}: ${connect.stderr}`,
          );
        }
      } finally {
        const ended = new Promise((resolve) => listener.on('close', resolve));
        listener.stdin.end();
        await ended;
        taken.close();
      }
      // Gone with its input, and the port it lent is free at once, even for a program without SO_REUSEADDR.
      assert.ok(bindsWithoutReuse(a), `port ${a} is not free again`);
    });
  }
});
