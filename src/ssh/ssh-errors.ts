import { HostError } from '../errors.js';
import type { SshTarget } from './session.js';

/** An ssh2 connection error as a HostError that says what happened and what to do. */
/** The host's sshd closed the connection before the login completed, saying nothing. */
export function closedDuringLogin(target: SshTarget): HostError {
  return new HostError(
    target.name,
    `${target.user}@${target.address}:${target.port} closed the connection during login`,
    `look in the host's auth log: sshd or PAM refused ${target.user} (e.g. /run/nologin while it boots, an expired account, AllowUsers)`,
  );
}

export function connectionFailure(
  target: SshTarget,
  err: Error & { level?: string; code?: string },
  tried: string[],
): HostError {
  const where = `${target.user}@${target.address}:${target.port}`;
  if (err.level === 'client-authentication') {
    const offered = tried.length > 0 ? tried.join(', ') : 'no key at all (no agent, no ~/.ssh/id_*)';
    return new HostError(
      target.name,
      `authentication refused for ${where} (offered: ${offered})`,
      tried.includes('password')
        ? `check the password, and that ${target.name} allows password login for ${target.user}; or use a key`
        : `put your public key in ~${target.user}/.ssh/authorized_keys on ${target.name}, or pass --identity FILE`,
    );
  }
  if (err.level === 'client-timeout') {
    return new HostError(
      target.name,
      `no SSH answer from ${where} in time`,
      'check that the host is up and its SSH port is reachable',
    );
  }
  switch (err.code) {
    case 'ECONNREFUSED':
      return new HostError(
        target.name,
        `connection refused by ${where}`,
        'check that sshd runs there and listens on that port',
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new HostError(
        target.name,
        `cannot resolve ${target.address}`,
        'add the name to DNS or /etc/hosts, or give the host an "address:" in the inventory',
      );
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new HostError(
        target.name,
        `no route to ${where}`,
        'check the address and the network path to the host',
      );
    case 'ETIMEDOUT':
      return new HostError(
        target.name,
        `connection to ${where} timed out`,
        'check that the host is up and its SSH port is reachable',
      );
    default:
      return new HostError(target.name, `SSH connection to ${where} failed: ${err.message}`);
  }
}
