// Every channel of the contract registered through one handle(): the sender must be the main frame
// of one of our own windows showing our own page, and the arguments (which arrive as `unknown`) must
// parse against the channel's schema, before any handler runs.
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import type { IpcHandlers } from '../src/app/ipc-handlers.js';
import { invokeContract, parseRequest, type InvokeChannel } from '../src/ipc/contract.js';

export type SenderCheck = (event: IpcMainInvokeEvent) => boolean;

/** Our page, in the top frame of a window we created. */
export function trustedSender(isOurWindow: (contents: IpcMainInvokeEvent['sender']) => boolean, appUrlPrefix: string): SenderCheck {
  return (event) => {
    const frame = event.senderFrame;
    if (!frame || frame.parent !== null) return false;
    if (!isOurWindow(event.sender)) return false;
    return frame.url.startsWith(appUrlPrefix);
  };
}

export function registerIpc(ipcMain: IpcMain, handlers: IpcHandlers, isTrusted: SenderCheck, report: (message: string) => void): void {
  for (const channel of Object.keys(invokeContract) as InvokeChannel[]) {
    ipcMain.handle(channel, async (event, raw: unknown) => {
      if (!isTrusted(event)) {
        report(`dropped ${channel} from an untrusted sender`);
        throw new Error('not allowed');
      }
      const request = parseRequest(channel, raw);
      const handler = handlers[channel] as (request: unknown) => unknown;
      return handler(request);
    });
  }
}
