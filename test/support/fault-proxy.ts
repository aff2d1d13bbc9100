// A fault-injecting TCP proxy in front of a real server (the private Dovecot): it forwards both
// ways and, on the server's side of each connection, drops, resets or stalls after byte N, delays
// every chunk, or refuses connections outright. Loopback only; every connection ends with the test.
import { connect, createServer, type Server, type Socket } from 'node:net';

export type Fault =
  | { kind: 'none' }
  | { kind: 'drop-after'; bytes: number }
  | { kind: 'reset-after'; bytes: number }
  | { kind: 'stall-after'; bytes: number }
  | { kind: 'delay-chunks'; ms: number }
  | { kind: 'refuse' };

export class FaultProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  fault: Fault = { kind: 'none' };
  /** The fault hits only the first this-many connections; later ones pass clean (a server that recovers). */
  faultyConnections = Infinity;
  port = 0;
  connections = 0;
  /** Bytes the server sent through the proxy, over all connections (what a client had to read). */
  bytesFromServer = 0;

  /** Where new connections go; a test may point it elsewhere (another server, another certificate). */
  constructor(public targetPort: number) {}

  async start(): Promise<this> {
    this.server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
    return this;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private track(socket: Socket): Socket {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    return socket;
  }

  private accept(client: Socket): void {
    this.connections += 1;
    this.track(client);
    const fault: Fault = this.connections <= this.faultyConnections ? this.fault : { kind: 'none' };
    if (fault.kind === 'refuse') { client.resetAndDestroy(); return; }
    const upstream = this.track(connect({ host: '127.0.0.1', port: this.targetPort }));
    client.on('data', (data) => upstream.write(data));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    let forwarded = 0;
    let stalled = false;
    upstream.on('data', (data: Buffer) => {
      this.bytesFromServer += data.length;
      if (stalled) return;
      if (fault.kind === 'delay-chunks') {
        upstream.pause();
        setTimeout(() => { client.write(data); upstream.resume(); }, fault.ms);
        return;
      }
      if (fault.kind === 'drop-after' || fault.kind === 'reset-after' || fault.kind === 'stall-after') {
        const room = fault.bytes - forwarded;
        if (room < data.length) {
          if (room > 0) client.write(data.subarray(0, room));
          forwarded = fault.bytes;
          if (fault.kind === 'drop-after') { client.end(); upstream.destroy(); }
          else if (fault.kind === 'reset-after') { client.resetAndDestroy(); upstream.destroy(); }
          else stalled = true; // the connection stays open and silent
          return;
        }
      }
      forwarded += data.length;
      client.write(data);
    });
  }
}
