// Runs one command while polling every lab server's srvr every 50 ms, and prints how long the
// command took, the longest time no server said it leads, and the command's exit code:
//   node dist/bench/leader-gap.js HOSTS -- zkdeploy restart
// (what the day-2 rows of bench/run.sh report beside each operation's time).
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { hostIp, hostNumbers } from '../test/helpers/lab.js';
import { srvrReport } from '../test/helpers/zk-client.js';

const [count, separator, command, ...args] = process.argv.slice(2);
if (separator !== '--' || !command) {
  process.stderr.write('usage: leader-gap HOSTS -- COMMAND [ARGS…]\n');
  process.exit(64);
}
const hosts = hostNumbers(Number(count));
let polling = true;
let lastLeader = Date.now();
let longestGap = 0;
const poller = (async () => {
  while (polling) {
    const reports = await Promise.all(hosts.map((n) => srvrReport(hostIp(n), 2181, 200)));
    const now = Date.now();
    if (reports.some((r) => r.mode === 'leader')) lastLeader = now;
    longestGap = Math.max(longestGap, now - lastLeader);
    await sleep(50);
  }
})();
const started = performance.now();
const code = await new Promise<number>((resolve) => {
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  child.on('close', (exit) => resolve(exit ?? 1));
});
const seconds = (performance.now() - started) / 1000;
polling = false;
await poller;
process.stdout.write(`${seconds.toFixed(3)} ${(longestGap / 1000).toFixed(3)} ${code}\n`);
