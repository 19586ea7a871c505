import { defineConfig } from 'vitest/config';

// CI reads the pass/fail counts from the JSON report; people read the default reporter.
const reporters: (string | [string, Record<string, unknown>])[] = ['default'];
if (process.env.FORCEWATCH_TEST_REPORT) {
  reporters.push(['json', { outputFile: process.env.FORCEWATCH_TEST_REPORT }]);
}

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters,
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Every socket a test opens must be on loopback (blockNetwork), and no test file may print a secret (secretLeakCheck).
    setupFiles: ['test/setup/blockNetwork.ts', 'test/setup/secretLeakCheck.ts'],
  },
});
