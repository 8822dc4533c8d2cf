import { onInterrupt } from '../interrupt.js';
import { shellPath, shellQuote } from '../remote/quote.js';
import { Fleet } from '../run/fleet.js';
import { color } from '../ui/colors.js';
import { exitCodeOf, type HostOptions, readContext } from './common.js';

export interface LogsOptions extends HostOptions {
  lines?: number;
  follow?: boolean;
}

/** The newest server log in the server log directory: the .out of zkServer.sh, else a .log. */
function newestLog(serverLogDir: string): string {
  const dir = shellPath(serverLogDir);
  return `f=$(ls -t ${dir}/*.out 2>/dev/null | head -n1); [ -n "$f" ] || f=$(ls -t ${dir}/*.log 2>/dev/null | head -n1); [ -n "$f" ] || { echo ${shellQuote(`no server log in ${serverLogDir}`)} >&2; exit 3; }`;
}

/** Splits a stream into whole lines, each written with the host's prefix (to stdout unless told). */
function linePrinter(prefix: string, out: NodeJS.WriteStream = process.stdout): (chunk: Buffer) => void {
  let pending = '';
  return (chunk) => {
    pending += chunk.toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    if (lines.length > 0) out.write(lines.map((l) => `${prefix}${l}\n`).join(''));
  };
}

/** Each host's server log, every line prefixed with the host name; --follow streams until Ctrl-C. */
export async function logs(options: LogsOptions): Promise<number> {
  const { inventory, fleet: settings, hosts } = readContext(options, { progress: false });
  const fleet = await Fleet.open(inventory, settings, hosts);
  const width = Math.max(...fleet.hosts.map((h) => h.spec.name.length));
  const prefix = (name: string) => `${color.cyan(name.padEnd(width))}  `;
  const lines = options.lines ?? 20;
  const find = newestLog(inventory.cluster.serverLogDir);
  try {
    if (!options.follow) {
      const outputs = new Map<string, string>();
      await fleet.eachHostMarkingFailures(async (host, executor) => {
        const result = await executor.probe(`${find}; tail -n ${lines} "$f"`);
        outputs.set(host.spec.name, result.code === 0 ? result.stdout : `(${result.stderr.trim()})\n`);
      });
      for (const host of fleet.hosts) {
        const text = outputs.get(host.spec.name) ?? `(${host.error?.message ?? 'no answer'})\n`;
        process.stdout.write(
          text
            .replace(/\n$/, '')
            .split('\n')
            .map((l) => `${prefix(host.spec.name)}${l}\n`)
            .join(''),
        );
      }
      return exitCodeOf(fleet);
    }
    // tail runs in the background and is killed when our end of the channel closes (cat sees EOF),
    // so no tail outlives zkdeploy on the hosts, even when the connection just drops.
    // tail's own complaints (the log gone, unreadable) reach stderr with the host's prefix.
    const command = `${find}; tail -n ${lines} -F "$f" & t=$!; cat >/dev/null; kill $t`;
    const streams = await Promise.all(
      fleet.hosts
        .filter((h) => h.executor)
        .map((h) =>
          h.executor?.session.stream(
            command,
            linePrinter(prefix(h.spec.name)),
            linePrinter(prefix(h.spec.name), process.stderr),
          ),
        ),
    );
    const stopAll = async () => {
      for (const s of streams) s?.stop();
      await Promise.all(streams.map((s) => s?.done));
    };
    const unregister = onInterrupt(stopAll);
    await Promise.all(streams.map((s) => s?.done));
    unregister();
    return exitCodeOf(fleet);
  } finally {
    await fleet.close();
  }
}
