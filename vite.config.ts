/**
 * Vite builds the page and the module worker. tfjs is pre-bundled (listed in
 * optimizeDeps) so the dev server does not reload mid-session when it discovers it.
 * The production build carries a Content-Security-Policy that allows the app's
 * own origin only; `vite preview` also sends it as a header, which is what
 * covers the worker (a meta tag applies to the page alone).
 */
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

/** 'wasm-unsafe-eval' lets WebAssembly compile (the tfjs WASM backend, the float64 Gram kernel); no JS eval. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "style-src 'self' 'unsafe-inline'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** Adds the policy to the built index.html (not in dev, whose hot reload needs inline scripts). */
function contentSecurityPolicy(): Plugin {
  return {
    name: 'zero-shot-studio:csp',
    apply: 'build',
    transformIndexHtml: () => [
      { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY }, injectTo: 'head-prepend' },
    ],
  };
}

export default defineConfig({
  plugins: [react(), contentSecurityPolicy()],
  worker: { format: 'es' },
  optimizeDeps: {
    include: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-webgpu', '@tensorflow/tfjs-backend-wasm', 'fflate', 'recharts'],
  },
  preview: { headers: { 'Content-Security-Policy': CONTENT_SECURITY_POLICY } },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
});
