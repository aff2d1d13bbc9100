// Imported first by main.ts, so it runs before the other modules load: the app's main process is
// a long-running watcher too. It also migrates mailboxes, so it keeps the optimizing compiler.
import { keepYoungGenerationSmall } from '../src/runtime/v8-memory.js';

keepYoungGenerationSmall();
