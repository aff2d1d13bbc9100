// Scripted POP3 and IMAP servers that speak just enough of the protocol to serve a small mailbox to
// our client (and to imapflow), with hooks to misbehave at any step: overlong lines, bodies that
// never end, sizes and UIDLs that lie, huge literals, BYE anywhere, stalls, bare LF line ends.
// Loopback only; every socket is destroyed by close().
import type { Socket } from 'node:net';
import { startScriptedServer, type ScriptedServer } from './scripted-server.js';

export interface MailboxMessage { bytes: Buffer; uidl?: string; listSize?: number }

/** A POP3 hook sees each command (upper-cased verb, arguments) and the connection's ordinal; it
 * returns true when it answered (or chose not to). */
export type Pop3Hook = (verb: string, args: string[], socket: Socket, connection: number) => boolean;

export interface Pop3Script {
  messages: MailboxMessage[];
  greeting?: (socket: Socket, connection: number) => boolean;
  hook?: Pop3Hook;
}

function dotStuff(bytes: Buffer): Buffer {
  const text = bytes.toString('latin1').replace(/(^|\r\n)\./g, '$1..');
  return Buffer.from(text.endsWith('\r\n') ? text : `${text}\r\n`, 'latin1');
}

export function headerOf(bytes: Buffer): Buffer {
  const end = bytes.indexOf('\r\n\r\n');
  return end === -1 ? bytes : bytes.subarray(0, end + 2);
}

export async function startHostilePop3(script: Pop3Script): Promise<ScriptedServer> {
  let connections = 0;
  const ordinal = new WeakMap<Socket, number>();
  const { messages } = script;
  const size = (m: MailboxMessage): number => m.listSize ?? m.bytes.length;
  return startScriptedServer({
    onConnect: (socket) => {
      connections += 1;
      ordinal.set(socket, connections);
      if (script.greeting?.(socket, connections)) return;
      socket.write('+OK hostile POP3 ready\r\n');
    },
    onLine: (socket, line) => {
      const [verb = '', ...args] = line.split(' ');
      const upper = verb.toUpperCase();
      if (script.hook?.(upper, args, socket, ordinal.get(socket) ?? 0)) return;
      const n = Number(args[0]);
      const message = messages[n - 1];
      switch (upper) {
        case 'CAPA': socket.write('+OK\r\nUSER\r\nUIDL\r\nTOP\r\n.\r\n'); break;
        case 'USER': case 'PASS': case 'NOOP': case 'RSET': socket.write('+OK\r\n'); break;
        case 'STAT': socket.write(`+OK ${messages.length} ${messages.reduce((sum, m) => sum + size(m), 0)}\r\n`); break;
        case 'UIDL':
          if (args[0]) socket.write(message ? `+OK ${n} ${message.uidl ?? `u${n}`}\r\n` : '-ERR no such message\r\n');
          else socket.write(`+OK\r\n${messages.map((m, i) => `${i + 1} ${m.uidl ?? `u${i + 1}`}\r\n`).join('')}.\r\n`);
          break;
        case 'LIST':
          if (args[0]) socket.write(message ? `+OK ${n} ${size(message)}\r\n` : '-ERR no such message\r\n');
          else socket.write(`+OK\r\n${messages.map((m, i) => `${i + 1} ${size(m)}\r\n`).join('')}.\r\n`);
          break;
        case 'TOP':
          if (!message) socket.write('-ERR no such message\r\n');
          else socket.write(Buffer.concat([Buffer.from('+OK\r\n'), dotStuff(headerOf(message.bytes)), Buffer.from('.\r\n')]));
          break;
        case 'RETR':
          if (!message) socket.write('-ERR no such message\r\n');
          else socket.write(Buffer.concat([Buffer.from('+OK\r\n'), dotStuff(message.bytes), Buffer.from('.\r\n')]));
          break;
        case 'QUIT': socket.end('+OK bye\r\n'); break;
        default: socket.write('-ERR unknown command\r\n');
      }
    },
  });
}

export interface ImapFolder { path: string; attributes: string; messages: Array<{ bytes: Buffer; size?: number | string; flags?: string }> }

/** An IMAP hook sees each tagged command (upper-cased command, the rest of the line). */
export type ImapHook = (tag: string, command: string, rest: string, socket: Socket, connection: number) => boolean;

export interface ImapScript {
  folders: ImapFolder[];
  greeting?: (socket: Socket, connection: number) => boolean;
  hook?: ImapHook;
  /** Line ending of every response line (a bare LF for servers that send one). */
  eol?: string;
}

const envelopeOf = (bytes: Buffer): string => {
  const subject = /^Subject: (.*)$/m.exec(bytes.toString('latin1'))?.[1]?.replace(/["\\]/g, '') ?? '';
  return `(NIL "${subject}" (("S" NIL "s" "example.com")) NIL NIL NIL NIL NIL NIL "<x@example.com>")`;
};

export async function startHostileImap(script: ImapScript): Promise<ScriptedServer> {
  let connections = 0;
  const ordinal = new WeakMap<Socket, number>();
  const selected = new WeakMap<Socket, ImapFolder>();
  const idling = new WeakMap<Socket, string>();
  const eol = script.eol ?? '\r\n';
  const line = (text: string): string => `${text}${eol}`;
  const capability = 'IMAP4rev1 UIDPLUS IDLE';
  return startScriptedServer({
    onConnect: (socket) => {
      connections += 1;
      ordinal.set(socket, connections);
      if (script.greeting?.(socket, connections)) return;
      socket.write(line(`* OK [CAPABILITY ${capability}] hostile IMAP ready`));
    },
    onLine: (socket, text) => {
      if (text.toUpperCase() === 'DONE') {
        const idleTag = idling.get(socket);
        idling.delete(socket);
        if (idleTag) socket.write(line(`${idleTag} OK idle done`));
        return;
      }
      const match = /^(\S+) (?:UID )?(\S+) ?(.*)$/i.exec(text);
      if (!match) return;
      const [, tag = '', commandWord = '', rest = ''] = match;
      const command = commandWord.toUpperCase();
      const uid = /^\S+ UID /i.test(text);
      if (script.hook?.(tag, command, rest, socket, ordinal.get(socket) ?? 0)) return;
      const folderNamed = (name: string): ImapFolder | undefined => script.folders.find((f) => f.path === name.replace(/^"|"$/g, ''));
      switch (command) {
        case 'CAPABILITY': socket.write(line(`* CAPABILITY ${capability}`) + line(`${tag} OK done`)); break;
        case 'LOGIN': socket.write(line(`${tag} OK [CAPABILITY ${capability}] logged in`)); break;
        case 'LIST': case 'LSUB': {
          const all = /"\*"|\*$/.test(rest);
          const wanted = all ? script.folders : script.folders.filter((f) => rest.includes(`"${f.path}"`) || rest.endsWith(f.path));
          socket.write(wanted.map((f) => line(`* ${command} (${f.attributes}) "/" "${f.path}"`)).join('') + line(`${tag} OK done`));
          break;
        }
        case 'STATUS': {
          const folder = folderNamed(rest.split(' (')[0] ?? '') ?? script.folders[0]!;
          const count = folder.messages.length;
          socket.write(line(`* STATUS "${folder.path}" (MESSAGES ${count} UIDNEXT ${count + 1} UIDVALIDITY 7 UNSEEN ${count})`) + line(`${tag} OK done`));
          break;
        }
        case 'SELECT': case 'EXAMINE': {
          const folder = folderNamed(rest.split(' ')[0] ?? '');
          if (!folder || /\\noselect/i.test(folder.attributes)) { socket.write(line(`${tag} NO [NONEXISTENT] no such mailbox`)); break; }
          selected.set(socket, folder);
          socket.write(line(`* ${folder.messages.length} EXISTS`) + line('* OK [UIDVALIDITY 7] ok') + line(`* OK [UIDNEXT ${folder.messages.length + 1}] ok`)
            + line('* FLAGS (\\Seen \\Flagged)') + line(`${tag} OK [READ-ONLY] done`));
          break;
        }
        case 'FETCH': {
          const folder = selected.get(socket);
          if (!folder) { socket.write(line(`${tag} BAD nothing selected`)); break; }
          const [set = '1:*'] = rest.split(' ');
          const parts: Buffer[] = [];
          for (const n of sequenceSet(set, folder.messages.length)) {
            const message = folder.messages[n - 1]!;
            if (/BODY\.PEEK\[\]|BODY\[\]/i.test(rest)) {
              parts.push(Buffer.from(`* ${n} FETCH (UID ${n} BODY[] {${message.bytes.length}}\r\n`, 'latin1'), message.bytes, Buffer.from(line(')'), 'latin1'));
            } else if (/ENVELOPE/i.test(rest)) {
              parts.push(Buffer.from(line(`* ${n} FETCH (UID ${n} ENVELOPE ${envelopeOf(message.bytes)})`), 'latin1'));
            } else {
              parts.push(Buffer.from(line(`* ${n} FETCH (UID ${n} RFC822.SIZE ${message.size ?? message.bytes.length} FLAGS (${message.flags ?? ''}) INTERNALDATE "01-Nov-2026 10:00:00 +0000")`), 'latin1'));
            }
          }
          parts.push(Buffer.from(line(`${tag} OK ${uid ? 'UID ' : ''}FETCH done`), 'latin1'));
          socket.write(Buffer.concat(parts));
          break;
        }
        case 'IDLE': idling.set(socket, tag); socket.write(line('+ idling')); break;
        case 'LOGOUT': socket.end(line('* BYE bye') + line(`${tag} OK done`)); break;
        default: socket.write(line(`${tag} OK done`));
      }
    },
  });
}

/** The numbers of an IMAP sequence set (`1:*`, `2,5,7:9`) that exist in a folder of `count`
 * messages, in ascending order (UIDs equal sequence numbers on these servers). */
export function sequenceSet(set: string, count: number): number[] {
  const numbers = new Set<number>();
  for (const part of set.split(',')) {
    const [from = '', to = from] = part.split(':');
    const value = (text: string): number => (text === '*' ? count : Number(text));
    const [low, high] = [value(from), value(to)].sort((a, b) => a - b) as [number, number];
    for (let n = Math.max(1, low); n <= Math.min(high, count); n += 1) numbers.add(n);
  }
  return [...numbers].sort((a, b) => a - b);
}
