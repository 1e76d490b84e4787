import net from 'node:net';

export interface TcpProxy {
  /** The port the proxy listens on (127.0.0.1). */
  port: number;
  /** Stops forwarding bytes both ways and leaves every connection open: a peer that hangs. */
  freeze(): void;
  /** Forwards again, including what was held back. */
  pass(): void;
  close(): Promise<void>;
}

interface Pair {
  client: net.Socket;
  upstream: net.Socket;
}

/**
 * A TCP proxy to `127.0.0.1:targetPort` that can freeze: connections stay open but nothing
 * goes through, as with a network partition or a server that stopped answering. A refused
 * connection is easy to test; a silent one is what leaves requests hanging.
 *
 * @example
 * const proxy = await startTcpProxy(5432);
 * proxy.freeze(); // queries through 127.0.0.1:proxy.port now get no answer
 * proxy.pass();
 */
export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  let frozen = false;
  const pairs = new Set<Pair>();
  const connect = (pair: Pair) => {
    pair.client.pipe(pair.upstream);
    pair.upstream.pipe(pair.client);
  };
  const hold = (pair: Pair) => {
    pair.client.unpipe(pair.upstream);
    pair.upstream.unpipe(pair.client);
    pair.client.pause();
    pair.upstream.pause();
  };
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    const pair = { client, upstream };
    pairs.add(pair);
    const end = () => {
      client.destroy();
      upstream.destroy();
      pairs.delete(pair);
    };
    for (const socket of [client, upstream]) {
      socket.on('close', end);
      socket.on('error', end);
    }
    if (frozen) hold(pair);
    else connect(pair);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    freeze() {
      frozen = true;
      for (const pair of pairs) hold(pair);
    },
    pass() {
      frozen = false;
      for (const pair of pairs) connect(pair);
    },
    async close() {
      for (const pair of pairs) {
        pair.client.destroy();
        pair.upstream.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
