import { shellQuote } from '../remote/quote.js';
import type { HostExecutor } from '../run/executor.js';

/** What asking a four-letter word gave: the reply, or that nothing listens on the port. */
export type FourLetterAnswer = { listening: true; reply: string } | { listening: false };

/**
 * Sends a four-letter word to the client port as seen from the host itself, through an SSH
 * direct-tcpip channel of the open connection: no JVM on the host, no port opened to us. Where
 * sshd forbids forwarding, the same exchange runs on the host with bash's /dev/tcp.
 */
export async function askFourLetterWord(
  executor: HostExecutor,
  port: number,
  word: string,
  timeoutMs = 3000,
): Promise<FourLetterAnswer> {
  let channel: Awaited<ReturnType<HostExecutor['session']['forward']>>;
  try {
    channel = await executor.session.forward(port);
  } catch (err: unknown) {
    const reason = err instanceof Error ? err.message : String(err);
    if (/refused/i.test(reason)) return { listening: false };
    return askOnHost(executor, port, word);
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => channel.close(), timeoutMs);
    channel.on('data', (d: Buffer) => chunks.push(d));
    channel.on('close', () => {
      clearTimeout(timer);
      resolve({ listening: true, reply: Buffer.concat(chunks).toString('utf8') });
    });
    channel.on('error', () => undefined);
    channel.end(word);
  });
}

async function askOnHost(executor: HostExecutor, port: number, word: string): Promise<FourLetterAnswer> {
  const script = `exec 3<>/dev/tcp/127.0.0.1/${port} || exit 7; printf %s ${shellQuote(word)} >&3; timeout 3 cat <&3`;
  const result = await executor.probe(`bash -c ${shellQuote(script)}`);
  if (result.code === 7 || (result.code !== 0 && result.stdout === '')) return { listening: false };
  return { listening: true, reply: result.stdout };
}
