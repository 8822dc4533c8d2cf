import { CLEAR_MARK_BY_HAND } from '../ops/swap-marker.js';
import { groupByList, sameMembers, serverUp } from './current.js';
import type { EnsembleView } from './ensemble-view.js';
import type { Member, MembershipRefusal } from './steps.js';

const listed = (members: readonly Member[]) =>
  `${members.length} server${members.length === 1 ? '' : 's'} (${members.map((m) => `${m.myid}=${m.name}`).join(', ')})`;

/**
 * Why starting the selected servers that are down could give the ensemble a second leader: a server
 * elects among the list in its own zoo.cfg, so one started with a list other than the running
 * ensemble's (or, with none running, other than the other servers') can form a quorum of its own
 * (3.4's FastLeaderElection and QuorumMaj allow it). Judged on every server the view holds, whatever
 * --hosts selects; hosts that cannot be read are not judged. Scale's one-server step starts servers
 * by its own path, never through this.
 */
export function startRefusals(view: EnsembleView): MembershipRefusal[] {
  const swapping = view.hosts.filter((h) => h.facts?.swap);
  if (swapping.length > 0)
    return swapping.map((h) => ({
      message: `${h.name}: ${h.facts?.swap}: a server started with its data half swapped could win the election and undo it`,
      fix: `run that command again: it continues where it stopped and starts every server itself; ${CLEAR_MARK_BY_HAND}`,
    }));
  const starting = view.hosts.filter((h) => h.selected && h.mode === 'down' && h.members !== undefined);
  if (view.running) {
    const { members } = view.running;
    const runners = view.hosts.filter(
      (h) => serverUp(h.mode) && h.members && sameMembers(h.members, members),
    );
    return starting
      .filter((h) => !sameMembers(h.members as Member[], members))
      .map((h) => ({
        message: `${h.name}'s zoo.cfg lists ${listed(h.members as Member[])}, but the running servers (${runners.map((r) => r.name).join(', ')}) use ${listed(members)}: started, ${h.name} would elect among its own list, and could lead a second quorum`,
        fix: `zkdeploy scale changes the running ensemble's servers one at a time; to only start ${h.name}, run zkdeploy install with the running ensemble's inventory first (it rewrites ${h.name}'s zoo.cfg)`,
      }));
  }
  // None runs: every server that will ever start together must hold one list.
  const groups = groupByList(
    view.hosts.flatMap((h) =>
      h.members && h.members.length > 0 ? [{ name: h.name, members: h.members }] : [],
    ),
  );
  if (groups.length < 2 || starting.length === 0) return [];
  const described = groups.map((g) => `${g.hosts.join(', ')} list ${listed(g.members)}`).join('; ');
  return [
    {
      message: `no server runs, and the servers' zoo.cfg files disagree on the ensemble: ${described}; started apart, each list could elect a leader of its own`,
      fix: 'run zkdeploy install with the inventory of the ensemble you mean on all its hosts (no --hosts): it writes one list everywhere; a host that left the ensemble keeps its old list until it is uninstalled',
    },
  ];
}

/** What a start cannot judge: servers on hosts it could not read, said before anything starts. */
export function unjudgedWarning(view: EnsembleView): string | undefined {
  if (view.unread.length === 0) return undefined;
  return `not judged: ${view.unread.join(', ')} could not be read; a server running there with another server list is not seen (start refuses what it can see: check those hosts)`;
}

/**
 * Servers that run as members of this ensemble (named in the running list) on hosts the inventory
 * does not list: a command that stops and replaces every server's data (restore, a restoring
 * rollback) would never reach them, and such a server, with its newer data, would lead the others
 * back to it.
 */
export function strangerRefusals(view: EnsembleView, command: string): MembershipRefusal[] {
  return view.hosts
    .filter((h) => !h.inInventory && serverUp(h.mode))
    .map((h) => ({
      message: `${h.name} runs as a server of this ensemble (${h.mode}) but is not in the inventory: ${command} would not stop it, and its data would win over what ${command} puts back`,
      fix: `add ${h.name} to the inventory, or take it out first (zkdeploy scale with an inventory that still lists it, then without)`,
    }));
}
