import { createServer, type Server, type Socket } from 'node:net';
import type { SshSession } from '../ssh/session.js';

/** A local port that reaches a host's port through its open SSH connection. */
export interface Tunnel {
  port: number;
  close(): Promise<void>;
}

/**
 * Listens on 127.0.0.1 (a free port) and carries each connection to `targetPort` as seen from the
 * host, over an SSH direct-tcpip channel: clients reach servers where only SSH is open.
 */
export function openTunnel(session: SshSession, targetPort: number): Promise<Tunnel> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    session.forward(targetPort).then(
      (channel) => {
        socket.pipe(channel).pipe(socket);
        channel.on('error', () => socket.destroy());
        socket.on('error', () => channel.destroy());
        channel.on('close', () => socket.destroy());
      },
      () => socket.destroy(),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({
        port,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
