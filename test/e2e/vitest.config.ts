// npm run test:e2e: only the browser suite (npm test runs it too when chromium is installed).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    testTimeout: 150_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
