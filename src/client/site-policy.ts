/**
 * The app's Content-Security-Policy and the sites a user may add to it. The page
 * may contact its own origin and, beyond it, only the origins the user allowed
 * (for a backbone URL): each one is an https origin, or http on localhost, and
 * nothing else, checked strictly because it is written into the policy.
 *
 * A meta policy cannot be relaxed once in force, so the built page starts with a
 * tiny classic script (bootstrapScript below, emitted as csp.js by vite.config.ts)
 * that reads the allowed origins from localStorage and inserts the policy before
 * any module script runs; allowing a new site reloads the page once.
 * Pure TypeScript: no DOM, no Node modules (vite.config.ts, the UI and Node tests import it).
 */

/** Where the page keeps the origins the user allowed (a JSON array of origin strings). */
export const ALLOWED_ORIGINS_KEY = 'zero-shot-studio:allowed-origins';
/** More than this many allowed sites are ignored (the list is for a backbone or two, not a browsing history). */
export const MAX_ALLOWED_ORIGINS = 8;

/**
 * An origin as `new URL(…).origin` writes it: https with a lower-case host name
 * (or IPv4 address) and an optional port, or http on localhost / 127.0.0.1.
 * No path, no user, no wildcard, no quote, no space: nothing that could add a
 * source or a directive to the policy.
 */
export const ALLOWED_ORIGIN_PATTERN =
  /^(?:https:\/\/(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?|http:\/\/(?:localhost|127\.0\.0\.1))(?::[0-9]{1,5})?$/;

/**
 * 'wasm-unsafe-eval' lets WebAssembly compile (the tfjs WASM backend, the float64 Gram kernel); no JS eval.
 * blob: in script-src and worker-src is for the threaded WASM build (src/worker/wasm-threads.ts): its
 * threads are workers made from blob: URLs that import the runtime from another. Only the app's own code can
 * mint a blob: URL of this origin, so nothing from elsewhere is admitted.
 */
const DIRECTIVES: ReadonlyArray<[name: string, sources: string]> = [
  ['default-src', "'self'"],
  ['script-src', "'self' 'wasm-unsafe-eval' blob:"],
  ['worker-src', "'self' blob:"],
  ['connect-src', "'self'"],
  ['img-src', "'self' data: blob:"],
  ['style-src', "'self' 'unsafe-inline'"],
  ['object-src', "'none'"],
  ['base-uri', "'none'"],
  ['form-action', "'none'"],
];

/** True for an origin that may be written into the policy. */
export function isAllowableOrigin(origin: unknown): origin is string {
  return typeof origin === 'string' && ALLOWED_ORIGIN_PATTERN.test(origin);
}

/** The stored list (any JSON) → the valid origins in it, without duplicates, at most MAX_ALLOWED_ORIGINS. */
export function parseAllowedOrigins(stored: string | null): string[] {
  let list: unknown;
  try {
    list = JSON.parse(stored ?? '[]');
  } catch {
    return [];
  }
  if (!Array.isArray(list)) return [];
  const origins: string[] = [];
  for (const origin of list) {
    if (isAllowableOrigin(origin) && !origins.includes(origin) && origins.length < MAX_ALLOWED_ORIGINS) origins.push(origin);
  }
  return origins;
}

/** The page's policy: its own origin, plus the allowed origins for connect-src only. Invalid entries are dropped. */
export function contentSecurityPolicy(allowed: readonly string[] = []): string {
  const extra = allowed.filter(isAllowableOrigin);
  return DIRECTIVES.map(([name, sources]) => `${name} ${name === 'connect-src' ? ["'self'", ...extra].join(' ') : sources}`).join('; ');
}

/** The policy with no site allowed: the worker's, and the page's until the user allows one. */
export const STRICT_POLICY = contentSecurityPolicy();

/**
 * The header a server sends with the page itself: the strict policy except that
 * connect-src names the most the page's meta policy can ever admit (https
 * origins and local http). Both policies are enforced, so the page may contact
 * exactly what the meta policy names; the header keeps scripts, workers and the
 * rest pinned even if the bootstrap script were missing. Every other response
 * (the worker's script above all: a dedicated worker takes its policy from its
 * script's headers) gets STRICT_POLICY.
 */
export const DOCUMENT_HEADER_POLICY = DIRECTIVES.map(([name, sources]) =>
  `${name} ${name === 'connect-src' ? "'self' https: http://localhost:* http://127.0.0.1:*" : sources}`,
).join('; ');

/**
 * The headers that make the page cross-origin isolated (`crossOriginIsolated`), so
 * its worker may share memory with sub-workers: the parallel feature parse and the
 * threaded WASM backend need SharedArrayBuffer. Sent with every response, the page,
 * its workers' scripts and the .wasm files alike. COEP is `require-corp` rather than
 * `credentialless`: the app embeds nothing from other sites (img-src allows only
 * itself, data: and blob:), and its one cross-origin request, a backbone URL, is a
 * CORS fetch that a model host must answer with Access-Control-Allow-Origin anyway;
 * `require-corp` is the value every browser with isolation understands.
 * Without these headers the app still works, on one thread.
 */
export const CROSS_ORIGIN_ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** Every header a deployment sends with one response: the policy (the page's outer bound, or the strict one) and isolation. */
export function responseHeaders(isDocument: boolean): Record<string, string> {
  return { 'Content-Security-Policy': isDocument ? DOCUMENT_HEADER_POLICY : STRICT_POLICY, ...CROSS_ORIGIN_ISOLATION_HEADERS };
}

/**
 * The origin of a backbone address the user typed, or a sentence saying why it
 * cannot be used. Only https (or http on this computer) is accepted.
 */
export function originOfUrl(address: string): { url: string; origin: string } | { problem: string } {
  let url: URL;
  try {
    url = new URL(address.trim());
  } catch {
    return { problem: `“${address.trim()}” is not a web address; expected one like https://example.com/backbone/model.json.` };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { problem: `${url.protocol} addresses cannot be used; expected an https:// address (or http://localhost for a model on this computer).` };
  }
  if (url.username || url.password) return { problem: 'the address carries a user name or password; remove it (the model files must be public).' };
  if (!isAllowableOrigin(url.origin)) {
    return {
      problem:
        url.protocol === 'http:'
          ? `${url.origin} is plain http, which anyone on the way could tamper with; expected https:// (plain http only on localhost).`
          : `${url.origin} is not an address this app can allow; expected an https:// address with a host name.`,
    };
  }
  return { url: url.href, origin: url.origin };
}

/**
 * The classic script that must be the first element of the built page's head:
 * it builds the policy from localStorage and inserts it before anything else
 * loads. Generated from the values above so the two can never disagree; when
 * storage cannot be read it falls back to the strict policy.
 */
export function bootstrapScript(): string {
  return `/* Zero-Shot Studio: the page's Content-Security-Policy, built before any other script runs (from src/client/site-policy.ts). */
(function () {
  'use strict';
  var pattern = new RegExp(${JSON.stringify(ALLOWED_ORIGIN_PATTERN.source)});
  var directives = ${JSON.stringify(DIRECTIVES)};
  var origins = [];
  try {
    var list = JSON.parse(window.localStorage.getItem(${JSON.stringify(ALLOWED_ORIGINS_KEY)}) || '[]');
    if (Array.isArray(list)) {
      for (var i = 0; i < list.length; i++) {
        var origin = list[i];
        if (typeof origin === 'string' && pattern.test(origin) && origins.indexOf(origin) < 0 && origins.length < ${MAX_ALLOWED_ORIGINS}) origins.push(origin);
      }
    }
  } catch (error) {
    origins = [];
  }
  var policy = directives.map(function (d) {
    return d[0] + ' ' + (d[0] === 'connect-src' ? ["'self'"].concat(origins).join(' ') : d[1]);
  }).join('; ');
  var meta = document.createElement('meta');
  meta.httpEquiv = 'Content-Security-Policy';
  meta.content = policy;
  document.head.insertBefore(meta, document.head.firstChild);
})();
`;
}
