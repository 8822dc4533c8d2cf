import type { PlannedStep } from './step.js';

const HOME_LINE = /^ZOOKEEPER_HOME=(.+)$/m;
const releaseIn = (profile: string | undefined) => HOME_LINE.exec(profile ?? '')?.[1]?.replace(/^'|'$/g, '');

/**
 * The release a host's plan would switch it from and to (its profile's ZOOKEEPER_HOME changing from
 * one release directory to another), or undefined when it would not switch.
 */
export function releaseSwitch(steps: readonly PlannedStep[]): { from: string; to: string } | undefined {
  const profile = steps.find((s) => s.id === 'profile' && s.change)?.file;
  const from = releaseIn(profile?.before);
  const to = releaseIn(profile?.after);
  if (!from || !to || from === to) return undefined;
  const name = (path: string) => path.slice(path.lastIndexOf('/') + 1);
  return { from: name(from), to: name(to) };
}
