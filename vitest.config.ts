import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // main/'s tests share one Electron stand-in; the core never imports electron, so it is inert there.
    setupFiles: ['test/main/setup.ts'],
    // electron-store imports electron: inlined, so main/'s tests give it the stand-in too.
    server: { deps: { inline: ['electron-store'] } },
    // Integration tests each start their own private Dovecot on their own ports; running the files
    // in parallel on a 2-core machine only makes Dovecot's login penalty timings noisy.
    fileParallelism: false,
    testTimeout: 60_000,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
    hookTimeout: 60_000,
  },
});
