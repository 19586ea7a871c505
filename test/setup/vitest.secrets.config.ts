import { defineConfig, mergeConfig } from 'vitest/config';
import base from '../../vitest.config.js';

/**
 * The project's vitest config plus the secret-leak check, for running the suite with it before
 * vitest.config.ts lists it (`npx vitest run -c test/setup/vitest.secrets.config.ts`), and for the
 * test that proves the check fails a file that prints a secret.
 */
export default mergeConfig(base, defineConfig({ test: { setupFiles: ['test/setup/secretLeakCheck.ts'] } }));
