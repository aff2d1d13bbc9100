// Runs in the browser under test, before the page's own scripts: provides `window.mailbeacon` over
// HTTP to the test bridge, built from the same createApi() as the Electron preload.
import { createApi } from '../../src/ipc/api.js';

type Listener = (payload: unknown) => void;
const listeners = new Map<string, Set<Listener>>();
let events: EventSource | undefined;
/** Resolves once the event stream is open: no request goes out before the page can hear what it
 * causes (Electron's IPC has no such window; an HTTP event stream does). */
let eventsOpen: Promise<void> = Promise.resolve();

function connectEvents(): void {
  if (events) return;
  events = new EventSource('/events');
  const stream = events;
  eventsOpen = new Promise<void>((resolve) => { stream.onopen = () => resolve(); });
  events.onmessage = (message) => {
    const { channel, payload } = JSON.parse(message.data as string) as { channel: string; payload: unknown };
    for (const listener of listeners.get(channel) ?? []) listener(payload);
  };
}

connectEvents();

(window as unknown as { mailbeacon: unknown }).mailbeacon = createApi(
  async (channel, request) => {
    await eventsOpen;
    const response = await fetch(`/ipc/${channel}`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ request }),
    });
    const body = (await response.json()) as { ok: boolean; value?: unknown; error?: string };
    if (!body.ok) throw new Error(body.error);
    return body.value;
  },
  (channel, listener) => {
    connectEvents();
    const set = listeners.get(channel) ?? new Set<Listener>();
    set.add(listener);
    listeners.set(channel, set);
    return () => { set.delete(listener); };
  },
);
