// A loopback server that follows a script instead of a protocol: for the failures a real server
// will not produce on demand (closing right after PASS, stalling, garbage).
import { createServer, type Server, type Socket } from 'node:net';

export type ScriptStep = (socket: Socket, line: string) => void;

export interface ScriptedServer { port: number; connections: number; close(): Promise<void> }

/** `onConnect` runs at accept; `onLine` for every line the client sends. */
export async function startScriptedServer(handlers: {
  onConnect?: (socket: Socket) => void;
  onLine?: (socket: Socket, line: string) => void;
}): Promise<ScriptedServer> {
  const sockets = new Set<Socket>();
  const state = { connections: 0 };
  const server: Server = createServer((socket) => {
    state.connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let pending = '';
    socket.on('data', (data) => {
      pending += data.toString('latin1');
      let end: number;
      while ((end = pending.indexOf('\n')) !== -1) {
        const line = pending.slice(0, end).replace(/\r$/, '');
        pending = pending.slice(end + 1);
        handlers.onLine?.(socket, line);
      }
    });
    handlers.onConnect?.(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    get connections() { return state.connections; },
    close: () => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}

/** A port on 127.0.0.1 with nothing listening (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A POP3 server that greets, offers USER, and drops the connection when the password arrives. */
export function startClosesAfterPassServer(): Promise<ScriptedServer> {
  return startScriptedServer({
    onConnect: (socket) => socket.write('+OK ready\r\n'),
    onLine: (socket, line) => {
      if (line === 'CAPA') socket.write('+OK\r\nUSER\r\n.\r\n');
      else if (line.startsWith('USER')) socket.write('+OK\r\n');
      else if (line.startsWith('PASS')) socket.destroy();
    },
  });
}
