// A loopback TCP proxy that counts the bytes each way: what a check really costs on the wire,
// whatever the client (our CLI, or a peer's way of doing it) and without touching its code.
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface ByteCount { clientToServer: number; serverToClient: number; connections: number }

export class CountingProxy {
  port = 0;
  private count: ByteCount = { clientToServer: 0, serverToClient: 0, connections: 0 };
  private open = new Set<Socket>();
  private idle: Array<() => void> = [];
  private readonly server: Server;

  constructor(private readonly targetPort: number) {
    this.server = createServer((client) => this.relay(client));
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
    return this;
  }

  /** Waits until every proxied connection has closed, then returns the count and starts a new one. */
  async take(timeoutMs = 10_000): Promise<ByteCount> {
    if (this.open.size > 0) {
      await Promise.race([
        new Promise<void>((resolve) => this.idle.push(resolve)),
        new Promise((resolve) => setTimeout(resolve, timeoutMs)),
      ]);
    }
    const taken = this.count;
    this.count = { clientToServer: 0, serverToClient: 0, connections: 0 };
    return taken;
  }

  async close(): Promise<void> {
    for (const socket of this.open) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private relay(client: Socket): void {
    this.count.connections += 1;
    const server = connect(this.targetPort, '127.0.0.1');
    for (const socket of [client, server]) {
      this.open.add(socket);
      socket.on('error', () => { client.destroy(); server.destroy(); });
      socket.on('close', () => {
        this.open.delete(socket);
        if (this.open.size === 0) for (const resolve of this.idle.splice(0)) resolve();
      });
    }
    client.on('data', (data: Buffer) => { this.count.clientToServer += data.length; });
    server.on('data', (data: Buffer) => { this.count.serverToClient += data.length; });
    client.pipe(server);
    server.pipe(client);
  }
}
