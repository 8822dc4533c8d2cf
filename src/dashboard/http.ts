import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Collector } from './collector.js';
import { dashboardPage } from './page.js';

export interface Dashboard {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** A token for the URL, as notebook servers do: whoever can read it (the user who ran us) may look. */
export const newToken = () => randomBytes(24).toString('base64url');

function sameToken(given: string | null, token: string): boolean {
  if (given === null) return false;
  const [a, b] = [Buffer.from(given), Buffer.from(token)];
  return a.length === b.length && timingSafeEqual(a, b);
}

const HEADERS = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  // The token is in the URL: never sent on to another site.
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};

function refuse(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { ...HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(`${text}\n`);
}

/**
 * Serves the dashboard on 127.0.0.1 only: the page, its live feed (server-sent events, one sample
 * every `intervalMs`) and the state as JSON, each only with the token; a Host header other than
 * the loopback address (a DNS-rebinding page) is refused too. Sampling runs while it serves.
 */
export async function serveDashboard(
  collector: Collector,
  options: { port: number; token: string; intervalMs: number },
): Promise<Dashboard> {
  const clients = new Set<ServerResponse>();
  let port = options.port;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (![`127.0.0.1:${port}`, `localhost:${port}`].includes(req.headers.host ?? '')) {
      return refuse(res, 403, 'zkdeploy dashboard: open it as http://127.0.0.1 (the URL zkdeploy printed)');
    }
    if (!sameToken(url.searchParams.get('token'), options.token)) {
      return refuse(res, 403, 'zkdeploy dashboard: this needs the token in the URL zkdeploy printed');
    }
    if (req.method !== 'GET') return refuse(res, 405, 'zkdeploy dashboard: read-only');
    if (url.pathname === '/') {
      const nonce = randomBytes(16).toString('base64');
      res.writeHead(200, {
        ...HEADERS,
        'Content-Type': 'text/html; charset=utf-8',
        // Nothing from anywhere else: the page works offline and runs only its own script.
        'Content-Security-Policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'`,
      });
      return res.end(dashboardPage(nonce));
    }
    if (url.pathname === '/state') {
      res.writeHead(200, { ...HEADERS, 'Content-Type': 'application/json' });
      return res.end(JSON.stringify({ state: collector.state ?? null, series: collector.allSeries() }));
    }
    if (url.pathname === '/events') {
      res.writeHead(200, { ...HEADERS, 'Content-Type': 'text/event-stream', Connection: 'keep-alive' });
      res.write(`event: series\ndata: ${JSON.stringify(collector.allSeries())}\n\n`);
      if (collector.state)
        res.write(`event: state\ndata: ${JSON.stringify({ state: collector.state, points: {} })}\n\n`);
      clients.add(res);
      req.on('close', () => clients.delete(res));
      return;
    }
    refuse(res, 404, 'zkdeploy dashboard: no such page');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : options.port;

  let running = true;
  const loop = (async () => {
    // The command sampled once before serving, so the loop's first sample is an interval later.
    let started = Date.now();
    for (;;) {
      // While a command changes the ensemble (it holds the inventory's lock), servers go down and
      // come back within a second or two: sampled twice as often, at least, so each is seen.
      const interval = collector.state?.operation ? Math.min(options.intervalMs, 500) : options.intervalMs;
      await new Promise((r) => setTimeout(r, Math.max(0, interval - (Date.now() - started))));
      if (!running) return;
      started = Date.now();
      try {
        const update = await collector.sample();
        const message = `event: state\ndata: ${JSON.stringify(update)}\n\n`;
        for (const client of clients) client.write(message);
      } catch (err: unknown) {
        process.stderr.write(`zkdeploy: dashboard: a sample failed: ${String(err)}\n`);
      }
    }
  })();

  return {
    url: `http://127.0.0.1:${port}/?token=${options.token}`,
    port,
    close: async () => {
      running = false;
      for (const client of clients) client.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await loop;
    },
  };
}
