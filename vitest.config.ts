import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@stack-2025/source'] },
  ssr: { resolve: { conditions: ['@stack-2025/source'] } },
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'packages/*/src/**/*.test.tsx',
      'apps/*/src/**/*.test.ts',
      'e2e/**/*.test.ts',
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
