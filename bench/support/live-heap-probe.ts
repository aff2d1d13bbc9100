// Loaded into a measured child with `--expose-gc --import <this file>`: once a second it forces a
// full collection and notes the heap still in use, so a benchmark can tell data a run keeps from
// garbage the collector simply has not reclaimed yet (both count in resident memory). The largest
// value is written to BENCH_LIVE_HEAP_FILE at exit.
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_LIVE_HEAP_FILE;
const collect = (globalThis as { gc?: () => void }).gc;
if (file && collect) {
  let largest = 0;
  const note = (): void => {
    collect();
    largest = Math.max(largest, process.memoryUsage().heapUsed);
  };
  setInterval(note, 1000).unref();
  process.on('exit', () => {
    note();
    writeFileSync(file, String(largest));
  });
}
