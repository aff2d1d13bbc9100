// One implementation for the window and the CLI (src/protocols/server-words.ts).
export { serverWords } from '../../src/protocols/server-words.js';
