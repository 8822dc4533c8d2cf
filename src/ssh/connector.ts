import { HostError, messageOf, ZkdeployError } from '../errors.js';
import { connectSession } from './handshake.js';
import { KnownHosts } from './host-keys.js';
import { type Identity, resolveIdentities } from './identities.js';
import type { SshEndpoint, SshRoute } from './route.js';
import type { SshSession } from './session.js';
import { type AskHidden, unlockIdentities } from './unlock.js';

/**
 * Opens the SSH connections of a fleet along their routes. A jump host is connected once and shared
 * by every host behind it; each hop's host key is checked against its own known_hosts.
 */
export class Connector {
  private readonly jumps = new Map<string, Promise<SshSession>>();
  private readonly knownHosts = new Map<string, KnownHosts>();
  private readonly identities = new Map<string, Identity[]>();

  /** Resolves every hop's identities first: a bad --identity is bad input before anything connects. */
  constructor(
    routes: SshRoute[],
    private readonly timeoutMs: number,
    /** The SSH password (--ask-pass), offered to the hosts themselves, not to jump hosts. */
    private readonly password: string | undefined = undefined,
  ) {
    for (const endpoint of routes.flatMap((r) => [...r.jumps, r.target])) this.identitiesFor(endpoint);
  }

  /** Takes more routes (a quiet fleet's): their identities resolved, so that unlock asks for theirs too. */
  addRoutes(routes: SshRoute[]): void {
    for (const endpoint of routes.flatMap((r) => [...r.jumps, r.target])) this.identitiesFor(endpoint);
  }

  /** Asks, once each, the passphrases of encrypted keys about to be offered; returns warnings. */
  unlock(ask: AskHidden): Promise<string[]> {
    return unlockIdentities([...this.identities.values()], ask);
  }

  async connect(route: SshRoute): Promise<SshSession> {
    let via: SshSession | undefined;
    let chain = '';
    for (const jump of route.jumps) {
      chain += `${jump.user}@${jump.address}:${jump.port}>`;
      let pending = this.jumps.get(chain);
      if (!pending) {
        pending = this.open(jump, via, undefined);
        pending.catch(() => undefined);
        this.jumps.set(chain, pending);
      }
      try {
        via = await pending;
      } catch (err: unknown) {
        throw new HostError(
          route.target.name,
          `jump host ${messageOf(err)}`,
          err instanceof ZkdeployError ? err.fix : undefined,
        );
      }
    }
    return this.open(route.target, via, this.password);
  }

  /** Closes the jump hosts' connections (the hosts' own are closed by their owners first). */
  close(): void {
    for (const pending of this.jumps.values())
      pending.then(
        (s) => s.close(),
        () => undefined,
      );
  }

  private open(
    endpoint: SshEndpoint,
    via: SshSession | undefined,
    password: string | undefined,
  ): Promise<SshSession> {
    return connectSession(
      { name: endpoint.name, address: endpoint.address, port: endpoint.port, user: endpoint.user },
      {
        identities: this.identitiesFor(endpoint),
        knownHosts: this.knownHostsFor(endpoint.knownHostsFiles),
        acceptNewHostKeys: endpoint.acceptNewHostKeys,
        timeoutMs: this.timeoutMs,
        via,
        password,
      },
    );
  }

  private identitiesFor(endpoint: SshEndpoint): Identity[] {
    const key = `${endpoint.requiredIdentity ?? ''}\n${endpoint.identityFiles.join('\n')}`;
    let found = this.identities.get(key);
    if (!found) {
      found = resolveIdentities(endpoint.requiredIdentity, endpoint.identityFiles).identities;
      this.identities.set(key, found);
    }
    return found;
  }

  private knownHostsFor(files: string[] | undefined): KnownHosts {
    const key = files?.join('\n') ?? '';
    let found = this.knownHosts.get(key);
    if (!found) {
      found = new KnownHosts(files);
      this.knownHosts.set(key, found);
    }
    return found;
  }
}
