import assert from 'node:assert/strict';
import { request } from 'node:http';
import { describe, test } from 'node:test';
import type { Collector, DashboardState } from '../../src/dashboard/collector.js';
import { serveDashboard } from '../../src/dashboard/http.js';
import { PacketRate } from '../../src/dashboard/packet-rate.js';
import { sampleFrom } from '../../src/dashboard/sample.js';
import type { HostStatus } from '../../src/ops/ensemble-status.js';
import { throttledTransfer, transferText } from '../../src/run/transfer.js';
import { renderStatus } from '../../src/ui/status-view.js';
import { judgeHealth } from '../../src/zk/health.js';

const SRVR_349 = `Zookeeper version: 3.4.9-1757313, built on 08/23/2016 06:50 GMT
Latency min/avg/max: 0/1/13
Received: 134
Sent: 133
Connections: 1
Outstanding: 0
Zxid: 0x100000005
Mode: follower
Node count: 4
`;
const MNTR_349 = [
  'zk_version\t3.4.9-1757313, built on 08/23/2016 06:50 GMT',
  'zk_avg_latency\t1',
  'zk_max_latency\t13',
  'zk_min_latency\t0',
  'zk_packets_received\t135',
  'zk_packets_sent\t134',
  'zk_num_alive_connections\t1',
  'zk_outstanding_requests\t0',
  'zk_server_state\tfollower',
  'zk_znode_count\t4',
  'zk_watch_count\t0',
  'zk_ephemerals_count\t0',
  'zk_approximate_data_size\t27',
  '',
].join('\n');

describe('a server sample', () => {
  test('3.4.9: every metric it has, zero where it is zero, and uptime absent (3.4.9 does not report it), never 0', () => {
    const s = sampleFrom(SRVR_349, MNTR_349);
    assert.equal(s.mode, 'follower');
    assert.equal(s.version, '3.4.9');
    assert.deepEqual(s.latency, { min: 0, avg: 1, max: 13 });
    assert.equal(s.watches, 0);
    assert.equal(s.dataBytes, 27);
    assert.equal(s.received, 135);
    assert.equal(s.uptimeSeconds, null);
    assert.equal(s.mntr, true);
  });

  test('without mntr (not whitelisted): what srvr says, and the rest absent', () => {
    const s = sampleFrom(SRVR_349, 'mntr is not executed because it is not in the whitelist.\n');
    assert.equal(s.znodes, 4);
    assert.equal(s.received, 134);
    assert.equal(s.outstanding, 0);
    assert.equal(s.watches, null);
    assert.equal(s.dataBytes, null);
    assert.equal(s.mntr, false);
  });

  test('3.6+: uptime from zk_uptime (ms)', () => {
    assert.equal(sampleFrom(SRVR_349, `${MNTR_349}zk_uptime\t125000\n`).uptimeSeconds, 125);
  });
});

describe('upload progress', () => {
  test('bytes, rate and time left', () => {
    assert.equal(transferText(10_000_000, 40_000_000, 2000), '10.0 of 40.0 MB, 5.0 MB/s, 6s left');
    assert.equal(transferText(40_000_000, 40_000_000, 8000), '40.0 of 40.0 MB, 5.0 MB/s');
    assert.equal(transferText(1_000_000, 91_000_000, 1000), '1.0 of 91.0 MB, 1.0 MB/s, 1m30s left');
  });

  test('reported at most once a second, and at the end', () => {
    let now = 0;
    const seen: string[] = [];
    const step = throttledTransfer(
      (t) => seen.push(t),
      1000,
      () => now,
    );
    for (const [t, sent] of [
      [100, 1],
      [900, 2],
      [1100, 3],
      [1500, 4],
      [1600, 10],
    ] as const) {
      now = t;
      step(sent * 1_000_000, 10_000_000);
    }
    assert.equal(seen.length, 2);
    assert.match(seen[0] ?? '', /^3\.0 of 10\.0 MB/);
    assert.match(seen[1] ?? '', /^10\.0 of 10\.0 MB/);
  });
});

describe('status --watch', () => {
  test('what changed since the table before is marked: a mode with what it was, a zxid that moved', () => {
    const row = (name: string, mode: string, zxid: string): HostStatus => ({ name, myid: 1, mode, zxid });
    const before = [row('LZY-01', 'follower', '0x100000005'), row('LZY-02', 'leader', '0x100000005')];
    const now = [row('LZY-01', 'down', '0x100000005'), row('LZY-02', 'leader', '0x100000009')];
    const text = renderStatus(now, judgeHealth(['down', 'leader']), before);
    assert.match(text, /^LZY-01\s+1\s+down \(was follower\)/m);
    assert.match(text, /^LZY-02\s+1\s+leader\s+0x100000009 ↑/m);
    assert.doesNotMatch(renderStatus(now, judgeHealth(['down', 'leader'])), /was|↑/);
  });
});

function get(
  port: number,
  path: string,
  host = `127.0.0.1:${port}`,
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => {
        body += d.toString();
        if (path.startsWith('/events')) res.destroy();
      });
      res.on('close', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the dashboard server', () => {
  const state = {
    at: 1,
    ensemble: 'lzy',
    servers: [],
    history: [],
    operation: null,
  } as unknown as DashboardState;
  const collector = {
    state,
    allSeries: () => ({}),
    sample: async () => ({ state, points: {} }),
  } as unknown as Collector;

  test('on 127.0.0.1 only; without the token, with a wrong one, or under another Host name: 403', async () => {
    const served = await serveDashboard(collector, { port: 0, token: 'secret-token', intervalMs: 50 });
    try {
      assert.match(served.url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=secret-token$/);
      assert.equal((await get(served.port, '/')).status, 403);
      assert.equal((await get(served.port, '/?token=secret-tokem')).status, 403);
      assert.equal((await get(served.port, '/state?token=secret')).status, 403);
      assert.equal(
        (await get(served.port, '/?token=secret-token', `evil.example:${served.port}`)).status,
        403,
      );
      const page = await get(served.port, '/?token=secret-token');
      assert.equal(page.status, 200);
      assert.match(String(page.headers['content-security-policy']), /default-src 'none'/);
      assert.equal(page.headers['referrer-policy'], 'no-referrer');
      assert.doesNotMatch(
        page.body,
        /https?:\/\/(?!www\.w3\.org)/,
        'the page loads nothing from anywhere else',
      );
      const json = await get(served.port, '/state?token=secret-token');
      assert.equal(JSON.parse(json.body).state.ensemble, 'lzy');
      assert.match((await get(served.port, '/events?token=secret-token')).body, /^event: series/);
    } finally {
      await served.close();
    }
  });
});

describe('requests per second', () => {
  test('from the packet counter, sample to sample; none for the first, after a restart, or over a gap too short to mean anything', () => {
    const rates = new PacketRate();
    assert.equal(rates.of('LZY-01', 100, 0), null, 'the first sample has nothing to compare with');
    assert.equal(rates.of('LZY-01', 102, 30), null, '2 packets in 30 ms are not 67 a second');
    assert.equal(rates.of('LZY-01', 104, 2000), 2, 'measured from the sample before the short gap');
    assert.equal(rates.of('LZY-01', 3, 4000), null, 'a restarted server counts from zero');
    assert.equal(rates.of('LZY-01', 13, 6000), 5);
    assert.equal(rates.of('LZY-02', null, 6000), null, 'a server that does not say');
  });
});
