import { renderTemplate } from './template.js';

/** What the systemd unit needs: who runs the server, from where, and where its output goes. */
export interface UnitValues {
  user: string;
  home: string;
  zookeeperHome: string;
  serverLogDir: string;
  /** The swap mark (plan/probe.ts swapMarkerPath), absolute: while it is there, systemd starts no server. */
  swapMark: string;
}

/**
 * A value as one word of a unit file. Inventory paths and names are validated long before (no
 * spaces, quotes, `$`); what systemd itself would read here (`%` specifiers, `$`, `\`, quotes,
 * spaces) is refused again, as the bug it would be.
 */
export function unitWord(value: string): string {
  if (!/^[\w./+@:,=~-]+$/.test(value))
    throw new Error(`not a plain word for a systemd unit: ${JSON.stringify(value)}`);
  return value;
}

/** The unit `service: systemd` installs as /etc/systemd/system/zookeeper.service. */
export function renderUnit(values: UnitValues): string {
  return renderTemplate('zookeeper.service', {
    user: unitWord(values.user),
    home: unitWord(values.home),
    zkServer: unitWord(`${values.zookeeperHome}/bin/zkServer.sh`),
    outFile: unitWord(`${values.serverLogDir}/zookeeper.out`),
    swapMark: unitWord(values.swapMark),
  });
}
