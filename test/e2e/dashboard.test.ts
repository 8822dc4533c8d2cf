// The dashboard as a person sees it, in Debian's chromium: five servers and one leader; a server
// stopped by hand shown down within 5 s and back once started; a rolling restart run from another
// terminal seen as it happens (the operation named, servers going down and coming back, then in the
// audit log); 3.4.9's missing metrics shown as absent; a host that cannot be reached shown with its
// error and fix. The server listens on 127.0.0.1 only and
// refuses requests without the token. Screenshots are kept in test-artifacts/.
import assert from 'node:assert/strict';
import { get } from 'node:http';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { Page } from 'puppeteer-core';
import { artifact, launchChromium } from '../helpers/browser.js';
import { labSuite, zkdeployInBackground } from '../helpers/cli.js';
import {
  asAdmin,
  hostIp,
  inHost,
  lab,
  labRelease,
  labSubnet,
  labTarball,
  releaseHome,
  requireLab,
} from '../helpers/lab.js';
import { repoRoot } from '../helpers/paths.js';
import { zkdeployInTerminal } from '../helpers/terminal.js';
import { until } from '../helpers/wait.js';
import { zkClient } from '../helpers/zk-client.js';

const inventory = join(repoRoot, 'inventories', 'lzy.yaml');
const bin = `${releaseHome}/bin`;
const ESC = String.fromCharCode(27);

/** A port nothing listens on now, on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function httpStatus(url: string): Promise<number | string> {
  return new Promise((resolve) => {
    const req = get(url, { timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? String(err)));
    req.on('timeout', () => req.destroy(new Error('timeout')));
  });
}

/** What the page shows now: each card's server and mode, the operation banner, the health line. */
const shown = (page: Page) =>
  page.evaluate(() => ({
    cards: [...document.querySelectorAll<HTMLElement>('article.card')].map(
      (c) => [c.dataset.server ?? '', c.dataset.mode ?? ''] as [string, string],
    ),
    operation: (document.getElementById('operation') as HTMLElement).hidden
      ? ''
      : ((document.getElementById('operation') as HTMLElement).textContent ?? ''),
    health: document.getElementById('health')?.textContent ?? '',
    history: document.getElementById('history')?.textContent ?? '',
  }));

describe('dashboard', () => {
  const { run, cwd } = labSuite();

  test('five servers and one leader; a server stopped by hand down within 5 s and back; a rolling restart seen as it happens; loopback and token only', async (t) => {
    if (!requireLab(t)) return;
    const browser = await launchChromium(t);
    if (!browser) return;
    t.after(() => browser.close());
    assert.equal((await run('install', '-i', inventory, '-t', labTarball(), '--start')).code, 0);

    const dash = zkdeployInBackground(['dashboard', '--interval', '1'], cwd);
    t.after(() => dash.child.kill('SIGINT'));
    await until(() => /open: \S+/.test(dash.output().stdout), 'the dashboard to print its URL', 20_000);
    const url = /open: (\S+)/.exec(dash.output().stdout)?.[1] ?? '';
    const { port } = new URL(url);
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{32}$/);

    // 127.0.0.1 only, and only with the token.
    assert.equal(await httpStatus(url), 200);
    assert.equal(await httpStatus(`http://127.0.0.1:${port}/`), 403);
    // A wrong token of the right length (each character changed, so never the real one by chance).
    const wrongToken = url.replace(
      /token=([\w-]+)$/,
      (_, token: string) => `token=${[...token].map((c) => (c === 'a' ? 'b' : 'a')).join('')}`,
    );
    assert.notEqual(wrongToken, url);
    assert.equal(await httpStatus(wrongToken), 403);
    assert.equal(await httpStatus(`http://127.0.0.1:${port}/state`), 403);
    assert.equal(await httpStatus(url.replace('127.0.0.1', `${labSubnet}.1`)), 'ECONNREFUSED');
    // From a lab host, the machine's address on the lab network: nothing listens there.
    assert.equal(
      inHost(
        1,
        `timeout 2 bash -c 'exec 3<>/dev/tcp/${labSubnet}.1/${port}' 2>/dev/null && echo open || echo closed`,
      ).trim(),
      'closed',
    );

    const page = await browser.newPage();
    await page.setViewport({ width: 1400, height: 1100 });
    // Works offline: everything the page loads comes from zkdeploy itself (no CDN, no font server).
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    await page.goto(url);
    await page.waitForFunction(
      () =>
        document.querySelectorAll('article.card').length === 5 &&
        document.querySelectorAll('article.card[data-mode="leader"]').length === 1 &&
        document.querySelectorAll('article.card[data-mode="follower"]').length === 4,
      { timeout: 15_000 },
    );
    assert.match((await shown(page)).health, /^healthy: 1 leader, 4 followers \(quorum 3 of 5\)$/);
    assert.equal(await page.$$eval('#picture g[data-mode="leader"]', (g) => g.length), 1);
    assert.match(await page.$eval('#quorum', (e) => e.textContent ?? ''), /quorum 3 of 5: 2 more may fail/);
    // What 3.4.9's mntr lacks is shown as absent, never as zero.
    const uptime = await page.$$eval('article.card', (cards) =>
      cards.map((c) => {
        const dt = [...c.querySelectorAll('dt')].find((d) => d.textContent === 'uptime');
        const dd = dt?.nextElementSibling as HTMLElement | undefined;
        return `${dd?.className ?? ''}:${dd?.textContent ?? ''}`;
      }),
    );
    if (labRelease.startsWith('3.4.')) assert.deepEqual(uptime, Array(5).fill('absent:—'));
    else for (const u of uptime) assert.match(u, /^:\d+m \d+s$|^:\d+h \d+m$/);
    // Each card: the server's figures, the ones every release reports filled in.
    const cards = await page.$$eval('article.card', (all) =>
      all.map((c) =>
        Object.fromEntries(
          [...c.querySelectorAll('dt')].map((dt) => [
            dt.textContent ?? '',
            dt.nextElementSibling?.textContent ?? '',
          ]),
        ),
      ),
    );
    for (const card of cards) {
      assert.deepEqual(Object.keys(card), [
        'myid',
        'zxid',
        'version',
        'latency min/avg/max',
        'outstanding',
        'connections',
        'znodes',
        'watches',
        'data size',
        'requests/s',
        'uptime',
        'free disk',
      ]);
      assert.match(card.zxid ?? '', /^0x[0-9a-f]+$/);
      assert.ok((card.version ?? '').startsWith(labRelease), card.version);
      assert.match(card['latency min/avg/max'] ?? '', /^[\d.]+\/[\d.]+\/[\d.]+ ms$/);
      assert.match(card.znodes ?? '', /^\d+$/);
      assert.match(card['free disk'] ?? '', /^[\d.]+G of [\d.]+G$/);
    }
    // Requests per second at rest: the dashboard's own srvr and mntr, a few a second, no more.
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll('article.card dt')]
          .filter((dt) => dt.textContent === 'requests/s')
          .every((dt) => /^\d+$/.test(dt.nextElementSibling?.textContent ?? '')),
      { timeout: 10_000 },
    );
    const rps = await page.$$eval('article.card dt', (dts) =>
      dts
        .filter((dt) => dt.textContent === 'requests/s')
        .map((dt) => Number(dt.nextElementSibling?.textContent)),
    );
    assert.ok(
      rps.every((r) => r <= 10),
      `requests/s at rest: ${rps.join(', ')}`,
    );
    // Four charts, a line per server once there are samples.
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll('#charts [data-chart]')].every(
          (chart) => chart.querySelectorAll('polyline').length === 5,
        ),
      { timeout: 10_000 },
    );
    assert.deepEqual(
      await page.$$eval('#charts [data-chart]', (charts) =>
        charts.map((c) => (c as HTMLElement).dataset.chart),
      ),
      ['latency', 'outstanding', 'rps', 'znodes'],
    );
    const origin = new URL(url).origin;
    assert.deepEqual(
      requested.filter((r) => !r.startsWith(`${origin}/`)),
      [],
      'the page loaded something from elsewhere',
    );
    await page.screenshot({ path: artifact(`dashboard-${labRelease}-healthy.png`), fullPage: true });

    // A follower stopped by hand: down on the page within 5 s; back once started.
    const follower = (await shown(page)).cards.find(([, mode]) => mode === 'follower')?.[0] ?? '';
    const n = Number(follower.slice(-2));
    asAdmin(n, `${bin}/zkServer.sh stop`);
    const stopped = Date.now();
    await page.waitForFunction(
      (name) =>
        document.querySelector<HTMLElement>(`article.card[data-server="${name}"]`)?.dataset.mode === 'down',
      { timeout: 5000, polling: 100 },
      follower,
    );
    const seenDownAfter = Date.now() - stopped;
    assert.ok(seenDownAfter <= 5000, `shown down after ${seenDownAfter} ms`);
    assert.match((await shown(page)).health, /^unhealthy: 1 leader, 3 followers, 1 down/);
    await page.screenshot({ path: artifact(`dashboard-${labRelease}-server-down.png`), fullPage: true });
    asAdmin(n, `${bin}/zkServer.sh start`);
    await page.waitForFunction(
      (name) =>
        document.querySelector<HTMLElement>(`article.card[data-server="${name}"]`)?.dataset.mode ===
        'follower',
      { timeout: 30_000, polling: 100 },
      follower,
    );
    process.stdout.write(`# ${follower} stopped by hand: shown down after ${seenDownAfter} ms\n`);

    // A rolling restart from another terminal, watched from the page as it runs.
    const notServing = new Map<string, number>();
    let operation = '';
    let midRestartShot = false;
    const restart = run('restart');
    let done = false;
    void restart.then(() => {
      done = true;
    });
    while (!done) {
      const now = await shown(page);
      if (now.operation) operation = now.operation;
      for (const [server, mode] of now.cards)
        if (mode !== 'leader' && mode !== 'follower')
          notServing.set(server, (notServing.get(server) ?? 0) + 1);
      if (!midRestartShot && now.operation && notServing.size > 0) {
        midRestartShot = true;
        await page.screenshot({
          path: artifact(`dashboard-${labRelease}-rolling-restart.png`),
          fullPage: true,
        });
      }
      await new Promise((r) => setTimeout(r, 150));
    }
    const restarted = await restart;
    assert.equal(restarted.code, 0, restarted.stdout + restarted.stderr);
    assert.match(operation, /^restart running \(pid \d+\)/, 'the page named the restart while it ran');
    assert.ok(notServing.size >= 3, `servers seen restarting: ${[...notServing.keys()].join(', ')}`);
    await until(
      async () => /restart by \w+ · exit 0/.test((await shown(page)).history),
      'the restart in the audit log',
      10_000,
    );
    await page.waitForFunction(
      () => document.querySelectorAll('article.card[data-mode="follower"]').length === 4,
      {
        timeout: 30_000,
      },
    );
    await page.screenshot({ path: artifact(`dashboard-${labRelease}-after-restart.png`), fullPage: true });
    process.stdout.write(
      `# during the restart the page showed ${[...notServing.keys()].sort().join(', ')} not serving\n`,
    );

    dash.child.kill('SIGINT');
    assert.equal(await dash.exited, 130);

    // A host that cannot be reached: its card says so, with the error and the fix zkdeploy prints.
    // And a host whose transaction logs' disk is nearly full: its free disk marked low.
    lab('blackhole', 'LZY-05');
    t.after(() => lab('fast', 'LZY-05'));
    inHost(
      4,
      'mount -t tmpfs -o size=8m,uid=$(id -u admin),gid=$(id -g admin) zklogs /home/admin/zookeeper/logs',
    );
    t.after(() => inHost(4, 'umount /home/admin/zookeeper/logs'));
    asAdmin(4, 'head -c 7500000 /dev/zero > ~/zookeeper/logs/filler');
    // This one on a port asked for (--port); a second dashboard asking for it too is told it is taken.
    const askedPort = await freePort();
    const degraded = zkdeployInBackground(
      ['dashboard', '--interval', '1', '--connect-timeout', '2', '--port', String(askedPort)],
      cwd,
    );
    t.after(() => degraded.child.kill('SIGINT'));
    await until(() => /open: \S+/.test(degraded.output().stdout), 'the dashboard to print its URL', 20_000);
    const fixedUrl = /open: (\S+)/.exec(degraded.output().stdout)?.[1] ?? '';
    assert.equal(new URL(fixedUrl).port, String(askedPort));
    const taken = await run('dashboard', '--connect-timeout', '2', '--port', String(askedPort));
    assert.equal(taken.code, 64, taken.stdout + taken.stderr);
    assert.match(
      taken.stderr,
      new RegExp(
        `127\\.0\\.0\\.1:${askedPort} is already in use by another program\\n.*fix: choose another --port`,
      ),
    );
    const outOfRange = await run('dashboard', '--port', '70000');
    assert.equal(outOfRange.code, 64, outOfRange.stdout + outOfRange.stderr);
    assert.match(
      outOfRange.stderr,
      /'--port <n>' argument '70000' is invalid\. must be a port number, 1 to 65535/,
    );
    await page.goto(fixedUrl);
    await page.waitForFunction(
      () =>
        document.querySelector<HTMLElement>('article.card[data-server="LZY-05"]')?.dataset.mode ===
        'unreachable',
      { timeout: 15_000 },
    );
    const card = await page.$eval('article.card[data-server="LZY-05"]', (c) => c.textContent ?? '');
    assert.match(card, /LZY-05: no SSH answer from admin@LZY-05:22/, card);
    assert.match(card, /fix: check that the host is up and its SSH port is reachable/, card);
    assert.equal(await page.$$eval('article.card[data-mode="unreachable"]', (c) => c.length), 1);
    const lowDisk = await page.$$eval('article.card', (all) =>
      all.flatMap((c) =>
        [...c.querySelectorAll('dd.low')].map(
          (dd) => `${(c as HTMLElement).dataset.server} ${dd.textContent}`,
        ),
      ),
    );
    assert.deepEqual(
      lowDisk.map((l) => l.replace(/0\.\dM/, '0.xM')),
      ['LZY-04 0.xM of 8.0M'],
    );
    await page.screenshot({ path: artifact(`dashboard-${labRelease}-host-unreachable.png`), fullPage: true });

    // The host back: connected again and shown serving, without restarting the dashboard. Cut off
    // again while watched: unreachable within a sample's time, and back once more.
    const modeOf = async (name: string) =>
      (await shown(page)).cards.find(([server]) => server === name)?.[1] ?? '';
    const serving = async () => ['leader', 'follower'].includes(await modeOf('LZY-05'));
    lab('fast', 'LZY-05');
    await until(serving, 'LZY-05 connected again and serving', 40_000);
    lab('blackhole', 'LZY-05');
    const cut = Date.now();
    await until(async () => (await modeOf('LZY-05')) === 'unreachable', 'LZY-05 cut off shown', 15_000);
    process.stdout.write(`# LZY-05 cut off while watched: shown unreachable after ${Date.now() - cut} ms\n`);
    assert.match(
      await page.$eval('article.card[data-server="LZY-05"]', (c) => c.textContent ?? ''),
      /LZY-05: (no answer over SSH in 5 s|connection lost)/,
    );
    lab('fast', 'LZY-05');
    await until(serving, 'LZY-05 back once more', 40_000);
    degraded.child.kill('SIGINT');
    assert.equal(await degraded.exited, 130);
  });

  test('status --watch: one table per interval without a terminal, what changed marked; on a terminal redrawn in place and left clean on Ctrl-C (130)', async (t) => {
    if (!requireLab(t)) return;
    const watch = zkdeployInBackground(['status', '--watch', '--interval', '1'], cwd);
    t.after(() => watch.child.kill('SIGINT'));
    const tables = () => (watch.output().stdout.match(/^healthy: 1 leader, 4 followers/gm) ?? []).length;
    await until(() => tables() >= 2, 'two tables', 20_000);
    assert.ok(!watch.output().stdout.includes(`${ESC}[`), 'no cursor movement without a terminal');
    // A write moves every server's zxid: marked in the next table.
    const client = await zkClient([`${hostIp(1)}:2181`]);
    t.after(() => client.close());
    await new Promise<void>((res, rej) =>
      client.create('/watched', Buffer.from('x'), (e) => (e ? rej(e) : res())),
    );
    client.close();
    await until(
      () => /^LZY-0\d\s+\d\s+(follower|leader)\s+0x[0-9a-f]+ ↑/m.test(watch.output().stdout),
      'a moved zxid marked',
      15_000,
    );
    asAdmin(2, `${bin}/zkServer.sh stop`);
    // A table may catch it shutting down (up, not serving) on a busy machine: marked from there.
    await until(
      () => /^LZY-02\s+2\s+down \(was (follower|leader|not-serving)\)/m.test(watch.output().stdout),
      'LZY-02 marked down',
      15_000,
    );
    asAdmin(2, `${bin}/zkServer.sh start`);
    await until(
      () => /^LZY-02\s+2\s+(follower|leader) \(was (down|not-serving)\)/m.test(watch.output().stdout),
      'LZY-02 marked back',
      30_000,
    );
    watch.child.kill('SIGINT');
    assert.equal(await watch.exited, 130);

    const onTerminal = await zkdeployInTerminal(
      ['status', '--watch', '--interval', '1'],
      [{ prompt: /healthy:[\s\S]*healthy:/, answer: '\x03' }],
      { cwd },
    );
    assert.equal(onTerminal.code, 130, onTerminal.output);
    assert.ok(onTerminal.output.includes(`${ESC}[?25l`), 'the cursor hidden while drawing');
    assert.match(onTerminal.output, new RegExp(`${ESC}\\[\\d+F${ESC}\\[J`), 'the table redrawn in place');
    assert.ok(onTerminal.output.includes(`${ESC}[?25h`), 'the cursor shown again at the end');
  });
});
