/**
 * Vite builds the page and the module worker. tfjs is pre-bundled (listed in
 * optimizeDeps) so the dev server does not reload mid-session when it discovers it.
 * The production build carries a Content-Security-Policy (src/client/site-policy.ts)
 * that allows the app's own origin, plus for connect-src only the sites the user
 * allowed for a backbone URL: the first element of the page's head is csp.js, a
 * classic script that builds the meta policy from localStorage before any module
 * script runs. `vite preview` sends headers as a deployment should: the page gets
 * the policy's outer bound, every other response (the worker's script above all,
 * whose headers are its policy) the strict one, and every response the COOP/COEP
 * pair that makes the page cross-origin isolated (the dev server sends that too).
 */
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { bootstrapScript, CROSS_ORIGIN_ISOLATION_HEADERS, responseHeaders } from './src/client/site-policy.ts';

/** A request for the page itself (the SPA answers every extension-less path with index.html). */
function isDocument(url: string | undefined): boolean {
  const path = (url ?? '/').split(/[?#]/)[0]!;
  return path.endsWith('/') || path.endsWith('.html') || !/\.[a-z0-9]+$/i.test(path);
}

/** Emits csp.js and makes it the head's first element (not in dev, whose hot reload needs inline scripts). */
function contentSecurityPolicy(): Plugin {
  let base = '/';
  return {
    name: 'zero-shot-studio:csp',
    apply: 'build',
    configResolved: (config) => {
      base = config.base;
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: 'csp.js', source: bootstrapScript() });
    },
    transformIndexHtml: () => [{ tag: 'script', attrs: { src: `${base}csp.js` }, injectTo: 'head-prepend' }],
  };
}

/** The headers of a deployment, for `vite preview` (and the end-to-end tests that run against it). */
function previewHeaders(): Plugin {
  return {
    name: 'zero-shot-studio:preview-headers',
    configurePreviewServer(server) {
      server.middlewares.use((request, response, next) => {
        for (const [name, value] of Object.entries(responseHeaders(isDocument(request.url)))) response.setHeader(name, value);
        next();
      });
    },
  };
}

/**
 * tfjs's threaded WASM runtime reaches its thread workers as source text (the
 * factory's Function.toString, put in a blob: script), so it must not name anything
 * outside that function. One name does (_scriptDir, from the enclosing closure;
 * it is only a fallback for where the runtime was loaded from, which tfjs gives
 * explicitly), and minification makes the workers fail on it. It is replaced by
 * `undefined` inside the factory.
 */
function selfContainedWasmRuntime(): Plugin {
  return {
    name: 'zero-shot-studio:self-contained-wasm-runtime',
    apply: 'build',
    transform(code, id) {
      if (!id.replace(/\\/g, '/').endsWith('tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js')) return null;
      const factory = code.indexOf('return (');
      if (factory < 0) throw new Error('tfjs-backend-wasm-threaded-simd.js changed shape: its thread workers need checking.');
      return { code: code.slice(0, factory) + code.slice(factory).replaceAll('_scriptDir', 'undefined'), map: null };
    },
  };
}

export default defineConfig({
  plugins: [react(), contentSecurityPolicy(), previewHeaders(), selfContainedWasmRuntime()],
  // The dev server has no policy (hot reload needs inline scripts) but is cross-origin isolated like a deployment.
  server: { headers: { ...CROSS_ORIGIN_ISOLATION_HEADERS } },
  // The worker is bundled on its own: the tfjs runtime it carries needs the plugin there.
  worker: { format: 'es', plugins: () => [selfContainedWasmRuntime()] },
  optimizeDeps: {
    include: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-webgpu', '@tensorflow/tfjs-backend-wasm', 'fflate', 'recharts'],
  },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
});
