// verify's checks seen saying no: each against an in-memory ensemble (a stand-in for the client's
// sessions, pure logic only) with one fault: a stale read, a watch that never fires, two lock holders,
// numbers out of order. The same checks pass against it without the fault; on the lab they run for
// real (test/e2e/verify.test.ts).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CHECKS, type VerifyContext } from '../../src/verify/checks.js';
import type { ZkSession } from '../../src/zk/client.js';

interface Faults {
  /** Servers other than the writer's serve the value before the write. */
  staleReads?: boolean;
  /** Watches are accepted and never fire. */
  silentWatches?: boolean;
  /** Each session sees only the children it created (so every lock contender thinks it is first). */
  blindChildren?: boolean;
  /** Sequence numbers count down. */
  backwardSequence?: boolean;
}

type Watcher = (event: { getName(): string }) => void;

/** One ensemble's data as every session shares it, with the faults asked for. */
class FakeEnsemble {
  readonly nodes = new Map<string, { data: string; version: number; zxid: number; owner: FakeSession }>();
  readonly watches = new Map<string, Watcher[]>();
  zxid = 0;
  sequence = 1000;
  constructor(readonly faults: Faults) {}
}

class FakeSession {
  closed = false;
  constructor(
    readonly ensemble: FakeEnsemble,
    readonly server: string,
  ) {}

  async create(path: string, data: string, mode = 0): Promise<string> {
    const e = this.ensemble;
    if (e.nodes.has(path)) throw new Error(`create ${path}: NODE_EXISTS`);
    let name = path;
    if (mode === 2 || mode === 3) {
      e.sequence += e.faults.backwardSequence ? -1 : 1;
      name = `${path}${String(e.sequence).padStart(10, '0')}`;
    }
    e.nodes.set(name, { data, version: 0, zxid: ++e.zxid, owner: this });
    this.fire(`exists:${name}`);
    return name;
  }

  async getData(path: string, watcher?: Watcher) {
    const node = this.ensemble.nodes.get(path);
    if (!node) throw new Error(`get ${path}: NO_NODE`);
    if (watcher && !this.ensemble.faults.silentWatches) this.watch(`data:${path}`, watcher);
    const stale = this.ensemble.faults.staleReads && node.owner.server !== this.server;
    const zxid = Buffer.alloc(8);
    zxid.writeUInt32BE(stale ? node.zxid - 1 : node.zxid, 4);
    return { data: stale ? '' : node.data, stat: { version: node.version, mzxid: zxid } };
  }

  async setData(path: string, data: string) {
    const node = this.ensemble.nodes.get(path);
    if (!node) throw new Error(`set ${path}: NO_NODE`);
    Object.assign(node, { data, version: node.version + 1, zxid: ++this.ensemble.zxid });
    this.fire(`data:${path}`, 'NODE_DATA_CHANGED');
    return {};
  }

  async exists(path: string, watcher?: Watcher): Promise<boolean> {
    if (watcher && !this.ensemble.faults.silentWatches) this.watch(`exists:${path}`, watcher);
    return this.ensemble.nodes.has(path);
  }

  async children(path: string): Promise<string[]> {
    return [...this.ensemble.nodes.entries()]
      .filter(([p]) => p.startsWith(`${path}/`) && !p.slice(path.length + 1).includes('/'))
      .filter(([, node]) => !this.ensemble.faults.blindChildren || node.owner === this)
      .map(([p]) => p.slice(path.length + 1));
  }

  async remove(path: string): Promise<void> {
    this.ensemble.nodes.delete(path);
    this.fire(`exists:${path}`, 'NODE_DELETED');
  }

  close(): void {
    this.closed = true;
    // Its ephemeral nodes go with it (every node this session owns, in this stand-in).
    for (const [path, node] of this.ensemble.nodes) if (node.owner === this) void this.remove(path);
  }

  private watch(key: string, watcher: Watcher) {
    this.ensemble.watches.set(key, [...(this.ensemble.watches.get(key) ?? []), watcher]);
  }

  private fire(key: string, name = 'NODE_CREATED') {
    const watchers = this.ensemble.watches.get(key) ?? [];
    this.ensemble.watches.delete(key);
    for (const w of watchers) setImmediate(() => w({ getName: () => name }));
  }
}

function context(faults: Faults): VerifyContext {
  const ensemble = new FakeEnsemble(faults);
  const names = ['LZY-01', 'LZY-02', 'LZY-03'];
  const endpoints = names.map((name) => ({ name, address: name }));
  const session = (server: string) => new FakeSession(ensemble, server) as unknown as ZkSession;
  return {
    sessions: new Map(names.map((n) => [n, session(n)])),
    endpoints,
    base: '/verify',
    open: async (address) => session(address),
  };
}

const check = (name: string) => {
  const found = CHECKS.find(([n]) => n === name);
  assert.ok(found, name);
  return found[1];
};

describe('verify checks say no when the ensemble misbehaves', () => {
  test('every check passes against a well-behaved ensemble', async () => {
    for (const [name, run] of CHECKS) {
      const ctx = context({});
      await ctx.sessions.get('LZY-01')?.create('/verify', '');
      assert.ok(await run(ctx, 'LZY-01'), name);
    }
  });

  test('replication: a stale read through another server fails', async () => {
    const ctx = context({ staleReads: true });
    await assert.rejects(check('replication')(ctx, 'LZY-01'), /not read back through LZY-02/);
  });

  test('watch: a watch that never fires fails', async () => {
    const ctx = context({ silentWatches: true });
    await assert.rejects(
      check('watch')(ctx, 'LZY-01'),
      /no NODE_DATA_CHANGED within 3s after a change through LZY-02/,
    );
  });

  test('lock: two holders at once fail', async () => {
    const ctx = context({ blindChildren: true });
    await assert.rejects(check('lock')(ctx, 'LZY-01'), /LZY-02 took the lock while LZY-01 held it/);
  });

  test('sequential: numbers that do not increase fail', async () => {
    const ctx = context({ backwardSequence: true });
    await assert.rejects(check('sequential')(ctx, 'LZY-01'), /through LZY-02 got \d+ after \d+/);
  });
});
