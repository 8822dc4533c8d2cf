import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { renderConnectString } from '../../src/commands/connect-string.js';
import { validateInventory } from '../../src/inventory/validate.js';

const inventory = validateInventory(
  { zookeeper: { clientPort: 2182 }, hosts: ['LZY-01', 'LZY-02', 'LZY-03'] },
  'inv.yaml',
);

describe('connect-string', () => {
  test('the connection string lists every server with its client port', () => {
    assert.equal(renderConnectString(inventory, undefined), 'LZY-01:2182,LZY-02:2182,LZY-03:2182\n');
  });

  test("Kafka's zookeeper.connect, HBase's quorum and client port, Hadoop HA's ha.zookeeper.quorum", () => {
    assert.match(
      renderConnectString(inventory, 'kafka'),
      /^zookeeper\.connect=LZY-01:2182,LZY-02:2182,LZY-03:2182$/m,
    );
    const hbase = renderConnectString(inventory, 'hbase');
    assert.match(hbase, /<name>hbase\.zookeeper\.quorum<\/name>\n {2}<value>LZY-01,LZY-02,LZY-03<\/value>/);
    assert.match(hbase, /<name>hbase\.zookeeper\.property\.clientPort<\/name>\n {2}<value>2182<\/value>/);
    assert.match(
      renderConnectString(inventory, 'hadoop'),
      /<name>ha\.zookeeper\.quorum<\/name>\n {2}<value>LZY-01:2182,LZY-02:2182,LZY-03:2182<\/value>/,
    );
  });
});
