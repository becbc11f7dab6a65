/**
 * A loopback TCP proxy in front of a real server, to cut the connection under a client mid-test: a
 * network that fails, not a mocked driver.
 */
import { createServer, Socket } from 'node:net';

export interface TcpProxy {
  readonly port: number;
  /** Destroys every open connection and resets new ones until {@link restore}. */
  cut(): void;
  restore(): void;
  /**
   * Loses the answer to the next client message that contains `marker` (PostgreSQL's wire
   * protocol): the message reaches the server, which runs it (and commits it, outside a
   * transaction or for a `COMMIT`), but what the server sends back is dropped up to its
   * ReadyForQuery, and that connection is then cut at both ends. Resolves once it is cut. One
   * message only; every other connection and message passes.
   */
  loseAnswerTo(marker: string): Promise<void>;
  close(): Promise<void>;
}

/** A PostgreSQL server message: a type byte and an int32 length that counts itself. */
const HEADER = 5;
/** ReadyForQuery: the server has finished answering (and committed what it was to commit). */
const READY_FOR_QUERY = 'Z'.charCodeAt(0);

interface Armed {
  readonly marker: Buffer;
  readonly resolve: () => void;
}

export async function startTcpProxy(targetPort: number, host = '127.0.0.1'): Promise<TcpProxy> {
  const open = new Set<Socket>();
  let down = false;
  let armed: Armed | undefined;
  const server = createServer((client) => {
    if (down) {
      client.destroy();
      return;
    }
    const upstream = new Socket();
    upstream.connect(targetPort, host);
    for (const s of [client, upstream]) {
      open.add(s);
      s.on('close', () => open.delete(s));
      s.on('error', () => s.destroy());
    }
    /** Set when this connection's answer is being lost: resolves the arming once it is cut. */
    let losing: (() => void) | undefined;
    let tail = Buffer.alloc(0);
    client.on('data', (chunk: Buffer) => {
      if (armed && losing === undefined) {
        // The marker may straddle two chunks: look in the end of the previous one too.
        const seen = Buffer.concat([tail, chunk]);
        if (seen.includes(armed.marker)) {
          losing = armed.resolve;
          armed = undefined;
        } else tail = seen.subarray(Math.max(0, seen.length - 64));
      }
      upstream.write(chunk);
    });
    // The server's side is split into messages, so the answer can be dropped from its first message.
    let pending = Buffer.alloc(0);
    upstream.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      // Bounded by the bytes received: each turn consumes one whole message.
      while (pending.length >= HEADER) {
        const size = 1 + pending.readInt32BE(1);
        if (pending.length < size) break;
        const message = pending.subarray(0, size);
        pending = pending.subarray(size);
        if (losing === undefined) {
          client.write(message);
          continue;
        }
        if (message[0] === READY_FOR_QUERY) {
          const done = losing;
          client.destroy();
          upstream.destroy();
          done();
          return;
        }
      }
    });
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    port,
    cut() {
      down = true;
      for (const s of open) s.destroy();
    },
    restore() {
      down = false;
    },
    loseAnswerTo(marker: string) {
      return new Promise<void>((resolve) => {
        armed = { marker: Buffer.from(marker, 'utf8'), resolve };
      });
    },
    async close() {
      for (const s of open) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
