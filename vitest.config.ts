/**
 * Test projects: "node" runs the core and the worker host under Node (tfjs cpu);
 * "browser" runs the real worker in Debian's Chromium with WebGPU (SwiftShader);
 * "e2e" drives the built app with Playwright. scripts/test.sh runs them in order.
 */
import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
import { chromiumArgs, chromiumPath } from './tests/chromium.ts';
import { CROSS_ORIGIN_ISOLATION_HEADERS } from './src/client/site-policy.ts';

export default defineConfig({
  optimizeDeps: {
    include: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-webgpu', '@tensorflow/tfjs-backend-wasm', 'fflate'],
  },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['tests/unit/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          pool: 'forks',
        },
      },
      {
        extends: true,
        // Cross-origin isolated like a deployment (vite.config.ts), so the worker can share memory with sub-workers.
        server: { headers: { ...CROSS_ORIGIN_ISOLATION_HEADERS } },
        test: {
          name: 'browser',
          include: ['tests/browser/**/*.test.ts'],
          testTimeout: 180_000,
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({ launchOptions: { executablePath: chromiumPath, args: chromiumArgs } }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 300_000,
          hookTimeout: 300_000,
          globalSetup: ['tests/e2e/global-setup.ts'],
          fileParallelism: false,
        },
      },
    ],
  },
});
