import { ExitCode } from '../errors.js';
import { Fleet } from '../run/fleet.js';
import { color } from '../ui/colors.js';
import { table } from '../ui/summary.js';
import { CHECKS, type Endpoint, type VerifyResult } from '../verify/checks.js';
import { ZkSession } from '../zk/client.js';
import { openTunnel, type Tunnel } from '../zk/tunnel.js';
import { type HostOptions, readContext } from './common.js';

export interface VerifyOptions extends HostOptions {
  json?: boolean;
  /** Connect to the client ports straight instead of through SSH. */
  direct?: boolean;
}

function render(results: VerifyResult[], servers: string[]): string {
  const names = CHECKS.map(([name]) => name);
  const cell = (r: VerifyResult | undefined) =>
    !r ? '-' : r.ok ? color.green(`pass ${r.ms}ms`) : color.red('fail');
  const rows = [
    ['server', ...names].map((h) => color.bold(h)),
    ...servers.map((s) => [
      s,
      ...names.map((c) => cell(results.find((r) => r.server === s && r.check === c))),
    ]),
  ];
  const failures = results
    .filter((r) => !r.ok)
    .map((r) => color.red(`  ${r.server} ${r.check}: ${r.detail}`));
  const ok = failures.length === 0;
  const verdict = ok
    ? color.green(`verify: every check passed through ${servers.length} servers`)
    : color.red(`verify: ${failures.length} of ${results.length} checks failed`);
  return `${table(rows)}\n\n${failures.length ? `${failures.join('\n')}\n\n` : ''}${verdict}\n`;
}

/**
 * Proves the ensemble does what ZooKeeper promises, through every server in turn, with a real
 * client on a scratch path it removes afterwards: replication, ephemeral nodes, sequential nodes,
 * watches and a lock recipe. Exit 0 when every check passes, 2 when one fails.
 */
export async function verify(options: VerifyOptions): Promise<number> {
  const { inventory, fleet: settings, hosts } = readContext(options, { progress: false });
  const { clientPort } = inventory.cluster;
  const fleet = await Fleet.open(inventory, settings, hosts);
  const tunnels: Tunnel[] = [];
  const sessions = new Map<string, ZkSession>();
  const unreachable = new Map<string, string>();
  const results: VerifyResult[] = [];
  try {
    const endpoints: Endpoint[] = [];
    for (const host of fleet.hosts) {
      if (options.direct)
        endpoints.push({
          name: host.spec.name,
          address: `${fleet.routeOf(host.spec).target.address}:${clientPort}`,
        });
      else if (host.executor) {
        const tunnel = await openTunnel(host.executor.session, clientPort);
        tunnels.push(tunnel);
        endpoints.push({ name: host.spec.name, address: `127.0.0.1:${tunnel.port}` });
      } else unreachable.set(host.spec.name, host.error?.message ?? 'no SSH connection');
    }
    const opened = await Promise.all(
      endpoints.map((e) =>
        ZkSession.open(e.address).then(
          (s) => s,
          (err: Error) => err,
        ),
      ),
    );
    endpoints.forEach((e, i) => {
      const session = opened[i];
      if (session instanceof ZkSession) sessions.set(e.name, session);
      else unreachable.set(e.name, `cannot connect through ${e.name}: ${session?.message ?? 'no session'}`);
    });
    const base = `/zkdeploy-verify-${Date.now().toString(36)}`;
    const first = [...sessions.values()][0];
    const ready = first
      ? await first.create(base, 'scratch path of zkdeploy verify').then(
          () => true,
          () => false,
        )
      : false;
    for (const [check, run] of CHECKS) {
      for (const host of fleet.hosts) {
        const server = host.spec.name;
        const down =
          unreachable.get(server) ??
          (!ready ? 'the scratch path could not be created: no quorum?' : undefined);
        if (down || !sessions.has(server)) {
          results.push({ check, server, ok: false, ms: 0, detail: down ?? 'no session' });
          continue;
        }
        const began = Date.now();
        try {
          const open = (address: string) => ZkSession.open(address);
          const detail = await run({ sessions, endpoints, base, open }, server);
          results.push({ check, server, ok: true, ms: Date.now() - began, detail });
        } catch (err: unknown) {
          results.push({
            check,
            server,
            ok: false,
            ms: Date.now() - began,
            detail: err instanceof Error ? err.message : String(err),
          });
        }
      }
    }
    if (ready) {
      await first?.removeTree(base).catch((err: unknown) => {
        process.stderr.write(
          `zkdeploy: warning: could not remove the scratch path ${base}: ${err instanceof Error ? err.message : String(err)}\n`,
        );
      });
    }
  } finally {
    for (const session of sessions.values()) session.close();
    for (const tunnel of tunnels) await tunnel.close();
    await fleet.close();
  }
  const ok = results.every((r) => r.ok);
  const servers = fleet.hosts.map((h) => h.spec.name);
  process.stdout.write(
    options.json ? `${JSON.stringify({ ok, results }, null, 2)}\n` : render(results, servers),
  );
  return ok ? ExitCode.ok : ExitCode.no;
}
