/**
 * What both fake platform servers share: listening on loopback only, on a port the OS chooses.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Listens on 127.0.0.1 on an OS-chosen port; resolves with the port (rejects if listening fails). */
export async function listenOnLoopback(server: Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/**
 * A loopback port free at this moment (listened on, then closed): for a server that must know its
 * port before it listens, or for a port nothing listens on.
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  const port = await listenOnLoopback(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
