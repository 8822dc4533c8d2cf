import type { Readable } from 'node:stream';
import { Client, type ConnectConfig } from 'ssh2';
import { HostError } from '../errors.js';
import { shellQuote } from '../remote/quote.js';
import { fingerprint, KnownHosts } from './host-keys.js';
import { describeIdentity, type Identity } from './identities.js';
import { knownHostsName } from './known-hosts.js';
import { SshSession, type SshTarget } from './session.js';
import { closedDuringLogin, connectionFailure } from './ssh-errors.js';

// The connection policy: which host keys are trusted (known_hosts, or accepted new when asked; a
// changed one never), which credentials are offered in what order, and the deadlines of getting there.

export interface ConnectOptions {
  identities: Identity[];
  knownHosts: KnownHosts;
  acceptNewHostKeys: boolean;
  timeoutMs: number;
  /** A jump host already connected: the connection runs through a channel of it (ProxyJump). */
  via?: SshSession | undefined;
  /** The SSH password (--ask-pass), offered after the keys, as `password` and keyboard-interactive. */
  password?: string | undefined;
}

/** Connects and authenticates, verifying the host key against known_hosts (at every hop). */
export async function connectSession(target: SshTarget, options: ConnectOptions): Promise<SshSession> {
  let sock: Readable | undefined;
  if (options.via) {
    const jump = options.via.target;
    sock = await options.via.forward(target.port, target.address, options.timeoutMs).catch((err: unknown) => {
      throw new HostError(
        target.name,
        `cannot reach ${target.address}:${target.port} through jump host ${jump.name}: ${err instanceof Error ? err.message : String(err)}`,
        `check that ${jump.name} can reach ${target.address} on port ${target.port} (try: ssh -J ${jump.user}@${jump.name} ${target.user}@${target.address})`,
      );
    });
  }
  return handshake(target, options, sock);
}

function handshake(
  target: SshTarget,
  options: ConnectOptions,
  sock: Readable | undefined,
): Promise<SshSession> {
  const names = KnownHosts.namesFor(target.address, target.name, target.port);
  let refusal: HostError | undefined;
  const verify = (key: Buffer): boolean => {
    const verdict = options.knownHosts.judge(names, key);
    if (verdict === 'trusted') return true;
    const print = fingerprint(key);
    if (verdict === 'unknown' && options.acceptNewHostKeys) {
      options.knownHosts.accept(names, key);
      return true;
    }
    refusal = hostKeyRefusal(target, verdict, print, options.knownHosts.userFile);
    return false;
  };
  const methods = [...options.identities];
  const passwords =
    options.password === undefined
      ? []
      : [
          { kind: 'password', value: options.password },
          { kind: 'keyboard-interactive', value: options.password },
        ];
  const config: ConnectConfig = {
    host: target.address,
    port: target.port,
    username: target.user,
    readyTimeout: options.timeoutMs,
    keepaliveInterval: 10_000,
    keepaliveCountMax: 3,
    hostVerifier: verify,
    authHandler: (_left, _partial, next) => {
      const identity = methods.shift();
      if (identity?.kind === 'agent')
        return next({ type: 'agent', username: target.user, agent: identity.socket });
      if (identity?.kind === 'key')
        return next({
          type: 'publickey',
          username: target.user,
          key: identity.key,
          ...(identity.passphrase === undefined ? {} : { passphrase: identity.passphrase }),
        });
      const password = passwords.shift();
      if (password?.kind === 'password')
        return next({ type: 'password', username: target.user, password: password.value });
      if (password)
        return next({
          type: 'keyboard-interactive',
          username: target.user,
          prompt: (_name, _instructions, _lang, prompts, finish) => finish(prompts.map(() => password.value)),
        });
      return next(false as never);
    },
  };
  if (sock) config.sock = sock as never;
  const algorithms = options.knownHosts.algorithmsFor(names);
  if (algorithms) config.algorithms = { serverHostKey: algorithms as never };
  return new Promise((resolve, reject) => {
    const client = new Client();
    client.once('ready', () => {
      // From here on, errors reach whatever was in flight through the session's `lost`.
      client.removeAllListeners('error');
      // Without it Nagle holds a command's stdin behind its exec request for a delayed ACK (~80 ms).
      client.setNoDelay(true);
      resolve(new SshSession(target, client));
    });
    client.once('error', (err: Error & { level?: string; code?: string }) => {
      const tried = [...options.identities.map(describeIdentity), ...(options.password ? ['password'] : [])];
      reject(refusal ?? connectionFailure(target, err, tried));
    });
    // sshd may close the connection during login with no SSH error at all (PAM refusing the account:
    // /run/nologin while a host boots, an expired account): ssh2 then only closes, and its ready
    // timer goes with the socket. Without this the connection would be awaited for ever.
    client.once('close', () => reject(refusal ?? closedDuringLogin(target)));
    client.connect(config);
  });
}

function hostKeyRefusal(
  target: SshTarget,
  verdict: string,
  print: string,
  knownHostsFile: string,
): HostError {
  if (verdict === 'unknown') {
    return new HostError(
      target.name,
      `host key not known (${print}); refusing to connect`,
      `check the fingerprint with the host's administrator, then run again with --accept-new-host-keys (or add it to ${knownHostsFile})`,
    );
  }
  return new HostError(
    target.name,
    `host key ${verdict === 'revoked' ? 'is revoked' : 'has CHANGED'} (now ${print}); refusing to connect: someone may be intercepting the connection`,
    `if the host was reinstalled, remove the old key with \`ssh-keygen -f ${knownHostsFile} -R ${shellQuote(knownHostsName(target.address, target.port))}\` and run again with --accept-new-host-keys`,
  );
}
