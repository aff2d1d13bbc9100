// node:http and node:https, reached when a request is made rather than imported at the top: an ESM
// import of either builds Node's module facade, whose getters load undici (the WebSocket class) —
// 40 ms of every short command (a `check` from cron, a catch-up `migrate`) that never speaks HTTP.
import type * as Http from 'node:http';
import type * as Https from 'node:https';

export const http = (): typeof Http => process.getBuiltinModule('node:http');
export const https = (): typeof Https => process.getBuiltinModule('node:https');
