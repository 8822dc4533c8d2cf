import { HostError, messageOf, ZkdeployError } from '../errors.js';
import { KnownHosts } from './host-keys.js';
import { type Identity, resolveIdentities } from './identities.js';
import type { SshEndpoint, SshRoute } from './route.js';
import { SshSession } from './session.js';

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
  ) {
    for (const endpoint of routes.flatMap((r) => [...r.jumps, r.target])) this.identitiesFor(endpoint);
  }

  async connect(route: SshRoute): Promise<SshSession> {
    let via: SshSession | undefined;
    let chain = '';
    for (const jump of route.jumps) {
      chain += `${jump.user}@${jump.address}:${jump.port}>`;
      let pending = this.jumps.get(chain);
      if (!pending) {
        pending = this.open(jump, via);
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
    return this.open(route.target, via);
  }

  /** Closes the jump hosts' connections (the hosts' own are closed by their owners first). */
  close(): void {
    for (const pending of this.jumps.values())
      pending.then(
        (s) => s.close(),
        () => undefined,
      );
  }

  private open(endpoint: SshEndpoint, via: SshSession | undefined): Promise<SshSession> {
    return SshSession.connect(
      { name: endpoint.name, address: endpoint.address, port: endpoint.port, user: endpoint.user },
      {
        identities: this.identitiesFor(endpoint),
        knownHosts: this.knownHostsFor(endpoint.knownHostsFiles),
        acceptNewHostKeys: endpoint.acceptNewHostKeys,
        timeoutMs: this.timeoutMs,
        via,
      },
    );
  }

  private identitiesFor(endpoint: SshEndpoint): Identity[] {
    const key = `${endpoint.requiredIdentity ?? ''}\n${endpoint.identityFiles.join('\n')}`;
    let found = this.identities.get(key);
    if (!found) {
      const configFiles = endpoint.identityFiles.filter((f) => f !== endpoint.requiredIdentity);
      found = resolveIdentities(endpoint.requiredIdentity, configFiles).identities;
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
