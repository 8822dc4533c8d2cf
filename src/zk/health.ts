/** Every mode a host can be in, as status shows it. */
export type HostMode =
  | 'leader'
  | 'follower'
  | 'observer'
  | 'standalone'
  | 'read-only'
  | 'not-serving'
  | 'down'
  | 'unreachable';

/** Modes in which a server answers clients. */
export const SERVING_MODES: readonly string[] = ['leader', 'follower', 'observer', 'standalone', 'read-only'];

/** The ensemble's verdict: healthy means one leader, every other host a follower, every host reachable. */
export interface Health {
  healthy: boolean;
  quorumSize: number;
  /** Servers that are in the quorum (leader and followers). */
  inQuorum: number;
  summary: string;
}

/** Judges an ensemble from its hosts' modes (pure). */
export function judgeHealth(modes: readonly string[]): Health {
  const count = new Map<string, number>();
  for (const mode of modes) count.set(mode, (count.get(mode) ?? 0) + 1);
  const n = modes.length;
  const quorumSize = Math.floor(n / 2) + 1;
  const leaders = count.get('leader') ?? 0;
  const followers = count.get('follower') ?? 0;
  const inQuorum = leaders === 1 ? leaders + followers : 0;
  const single = n === 1 && modes[0] === 'standalone';
  const healthy = single || (leaders === 1 && followers === n - 1);
  const order = [
    'leader',
    'follower',
    'observer',
    'standalone',
    'read-only',
    'not-serving',
    'down',
    'unreachable',
  ];
  const parts = [...count]
    .sort(([a], [b]) => order.indexOf(a) - order.indexOf(b))
    .map(
      ([mode, k]) =>
        `${k} ${k === 1 || mode.endsWith('-serving') || mode === 'down' || mode === 'unreachable' ? mode : `${mode}s`}`,
    );
  const quorum = single
    ? 'standalone'
    : `quorum ${quorumSize} of ${n}${healthy ? '' : inQuorum >= quorumSize ? ': still serving' : ': lost'}`;
  return {
    healthy,
    quorumSize,
    inQuorum,
    summary: `${healthy ? 'healthy' : 'unhealthy'}: ${parts.join(', ')} (${quorum})`,
  };
}
