import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { findDrift, type HostConfig, readZooCfgLines } from '../../src/zk/drift.js';

const cfg = (servers: string[]) => `tickTime=2000\ndataDir=/d\n${servers.join('\n')}\n`;
const ensemble = cfg(['server.1=a:2888:3888', 'server.2=b:2888:3888', 'server.3=c:2888:3888']);
const host = (name: string, myid: number, over: Partial<HostConfig> = {}): HostConfig => ({
  name,
  zooCfg: ensemble,
  myid: `${myid}\n`,
  expectedZooCfg: ensemble,
  expectedMyid: myid,
  ...over,
});

describe('drift', () => {
  test('hosts as the inventory renders them: no drift', () => {
    assert.deepEqual(findDrift([host('a', 1), host('b', 2), host('c', 3)]), []);
  });

  test('zoo.cfg or myid changed or missing on one host', () => {
    const drift = findDrift([
      host('a', 1, { zooCfg: ensemble.replace('tickTime=2000', 'tickTime=3000') }),
      host('b', 2, { myid: undefined }),
      host('c', 3, { myid: '7\n' }),
    ]);
    assert.deepEqual(
      drift.map((d) => `${d.host}: ${d.message.split(' (')[0]}`),
      [
        'a: conf/zoo.cfg differs from what the inventory renders',
        'b: data/myid is missing',
        'c: data/myid is "7", the inventory says 3',
        'c: myid 7 is not in its server list',
      ],
    );
  });

  test('hosts that disagree on server.N lines, and a myid naming another host', () => {
    const other = cfg(['server.1=a:2888:3888', 'server.2=b:2888:3888', 'server.3=x:2888:3888']);
    const drift = findDrift([
      host('a', 1),
      host('b', 2, { zooCfg: other }),
      host('c', 2, { myid: '2\n', expectedMyid: 2 }),
    ]);
    assert.ok(drift.some((d) => d.host === 'b' && /disagree with a's/.test(d.message)));
    assert.ok(
      drift.some((d) => d.host === 'c' && /myid 2 names b in server\.2, not this host/.test(d.message)),
    );
  });

  test('the zoo.cfg reader keeps order and duplicates, and ; inside values', () => {
    assert.deepEqual(readZooCfgLines('# c\ndataDir=/a\ndataDir=/b\nserver.1=h:1:2;2181\n'), [
      { key: 'dataDir', value: '/a' },
      { key: 'dataDir', value: '/b' },
      { key: 'server.1', value: 'h:1:2;2181' },
    ]);
  });
});
