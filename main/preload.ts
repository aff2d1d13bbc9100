// The window's only door to the app: named functions from the contract, nothing else. ipcRenderer
// itself is never exposed. Runs sandboxed with context isolation.
import { contextBridge, ipcRenderer } from 'electron';
import { createApi, PUSH_CHANNELS } from '../src/ipc/api.js';
import type { PushChannel } from '../src/ipc/contract.js';

const api = createApi(
  (channel, request) => ipcRenderer.invoke(channel, request),
  (channel: PushChannel, listener) => {
    if (!PUSH_CHANNELS.has(channel)) throw new Error(`unknown event ${channel}`);
    const wrapped = (_event: Electron.IpcRendererEvent, payload: unknown): void => listener(payload);
    ipcRenderer.on(channel, wrapped);
    return () => { ipcRenderer.removeListener(channel, wrapped); };
  },
);

contextBridge.exposeInMainWorld('mailbeacon', api);
