import type { Inventory } from '../inventory/types.js';
import { inventoryFrom } from './common.js';

export interface ConnectStringOptions {
  inventory?: string;
  for?: string;
}

const property = (name: string, value: string) =>
  `<property>\n  <name>${name}</name>\n  <value>${value}</value>\n</property>`;

/** The ensemble's connection string, or the configuration lines Kafka, HBase or Hadoop HA expect. */
export function renderConnectString(inventory: Inventory, system: string | undefined): string {
  const port = inventory.cluster.clientPort;
  const names = inventory.hosts.map((h) => h.name);
  const connect = names.map((n) => `${n}:${port}`).join(',');
  switch (system) {
    case 'kafka':
      return `# server.properties\nzookeeper.connect=${connect}\n`;
    case 'hbase':
      return `<!-- hbase-site.xml -->\n${property('hbase.zookeeper.quorum', names.join(','))}\n${property('hbase.zookeeper.property.clientPort', String(port))}\n`;
    case 'hadoop':
      return `<!-- core-site.xml (HDFS/YARN HA) -->\n${property('ha.zookeeper.quorum', connect)}\n`;
    default:
      return `${connect}\n`;
  }
}

/** Prints the connection string; reads only the inventory. */
export async function connectString(options: ConnectStringOptions): Promise<number> {
  process.stdout.write(renderConnectString(inventoryFrom(options), options.for));
  return 0;
}
