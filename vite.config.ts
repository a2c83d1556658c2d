/**
 * Vite builds the page and the module worker. tfjs is pre-bundled (listed in
 * optimizeDeps) so the dev server does not reload mid-session when it discovers it.
 */
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  worker: { format: 'es' },
  optimizeDeps: {
    include: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-webgpu', '@tensorflow/tfjs-backend-wasm', 'fflate', 'recharts'],
  },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
});
