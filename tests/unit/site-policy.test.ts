/** The Content-Security-Policy and the sites a user may allow: strict validation, and the bootstrap script agrees with the module. */
import { runInNewContext } from 'node:vm';
import { describe, expect, test } from 'vitest';
import {
  ALLOWED_ORIGINS_KEY,
  bootstrapScript,
  contentSecurityPolicy,
  DOCUMENT_HEADER_POLICY,
  isAllowableOrigin,
  MAX_ALLOWED_ORIGINS,
  originOfUrl,
  parseAllowedOrigins,
  responseHeaders,
  STRICT_POLICY,
} from '../../src/client/site-policy.ts';

const directive = (policy: string, name: string) => policy.split('; ').find((d) => d.startsWith(`${name} `));

describe('allowed origins', () => {
  test.each([
    'https://storage.googleapis.com',
    'https://example.com:8443',
    'https://xn--bcher-kva.example',
    'https://10.0.0.2',
    'http://localhost',
    'http://localhost:8080',
    'http://127.0.0.1:5173',
  ])('accepts %s', (origin) => {
    expect(isAllowableOrigin(origin)).toBe(true);
  });

  test.each([
    ['plain http elsewhere', 'http://example.com'],
    ['a path', 'https://example.com/models'],
    ['a trailing slash', 'https://example.com/'],
    ['a wildcard', 'https://*.example.com'],
    ['a second source', 'https://a.com https://b.com'],
    ['a second directive', "https://a.com; script-src 'unsafe-inline'"],
    ['a keyword', "'self'"],
    ['a scheme only', 'https:'],
    ['upper case (never what URL.origin writes)', 'https://Example.com'],
    ['user info', 'https://user@example.com'],
    ['IPv6', 'https://[::1]'],
    ['javascript', 'javascript:alert(1)'],
    ['data', 'data:'],
    ['a trailing dot', 'https://example.com.'],
    ['empty', ''],
    ['a number', 42],
    ['localhost look-alike', 'http://localhost.evil.com'],
  ])('refuses %s', (_, origin) => {
    expect(isAllowableOrigin(origin)).toBe(false);
  });

  test('the stored list is read defensively: bad JSON, non-arrays, bad entries and duplicates are dropped', () => {
    expect(parseAllowedOrigins(null)).toEqual([]);
    expect(parseAllowedOrigins('{oops')).toEqual([]);
    expect(parseAllowedOrigins('{"a":1}')).toEqual([]);
    expect(parseAllowedOrigins(JSON.stringify(['https://a.com', "https://b.com; script-src *", 'https://a.com', 7, 'http://localhost:1']))).toEqual([
      'https://a.com',
      'http://localhost:1',
    ]);
    const many = Array.from({ length: 20 }, (_, i) => `https://s${i}.example`);
    expect(parseAllowedOrigins(JSON.stringify(many))).toHaveLength(MAX_ALLOWED_ORIGINS);
  });

  test('a typed address gives its origin, or a sentence', () => {
    expect(originOfUrl(' https://Storage.googleapis.com/tfjs-models/tfjs/mobilenet_v1_1.0_224/model.json ')).toEqual({
      url: 'https://storage.googleapis.com/tfjs-models/tfjs/mobilenet_v1_1.0_224/model.json',
      origin: 'https://storage.googleapis.com',
    });
    expect(originOfUrl('http://127.0.0.1:9000/m/model.json')).toMatchObject({ origin: 'http://127.0.0.1:9000' });
    expect(originOfUrl('model.json')).toMatchObject({ problem: expect.stringMatching(/is not a web address/) });
    expect(originOfUrl('ftp://example.com/model.json')).toMatchObject({ problem: expect.stringMatching(/ftp: addresses cannot be used/) });
    expect(originOfUrl('http://example.com/model.json')).toMatchObject({ problem: expect.stringMatching(/plain http/) });
    expect(originOfUrl('https://u:p@example.com/model.json')).toMatchObject({ problem: expect.stringMatching(/user name or password/) });
    expect(originOfUrl('https://[::1]/model.json')).toMatchObject({ problem: expect.stringMatching(/not an address this app can allow/) });
  });
});

describe('the policy', () => {
  test('with no site allowed: the app\'s own origin only', () => {
    expect(STRICT_POLICY).toBe(
      "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' blob:; worker-src 'self' blob:; connect-src 'self'; img-src 'self' data: blob:; " +
        "style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; form-action 'none'",
    );
  });

  test('an allowed site is added to connect-src only, and an invalid one never', () => {
    const policy = contentSecurityPolicy(['https://storage.googleapis.com', "https://x.com; script-src 'unsafe-eval'"]);
    expect(directive(policy, 'connect-src')).toBe("connect-src 'self' https://storage.googleapis.com");
    expect(policy.replace(' https://storage.googleapis.com', '')).toBe(STRICT_POLICY);
  });

  test('the page\'s header bounds connect-src to https and local http; everything else is the strict policy', () => {
    expect(directive(DOCUMENT_HEADER_POLICY, 'connect-src')).toBe("connect-src 'self' https: http://localhost:* http://127.0.0.1:*");
    const others = (p: string) => p.split('; ').filter((d) => !d.startsWith('connect-src'));
    expect(others(DOCUMENT_HEADER_POLICY)).toEqual(others(STRICT_POLICY));
  });
});

describe('the headers of a deployment', () => {
  test('every response is cross-origin isolated; the page gets the outer bound of its policy, everything else the strict one', () => {
    const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
    expect(responseHeaders(true)).toEqual({ 'Content-Security-Policy': DOCUMENT_HEADER_POLICY, ...isolation });
    expect(responseHeaders(false)).toEqual({ 'Content-Security-Policy': STRICT_POLICY, ...isolation });
  });

  test('the threaded WASM build may start its blob: thread workers, and nothing else is added', () => {
    expect(directive(STRICT_POLICY, 'worker-src')).toBe("worker-src 'self' blob:");
    expect(directive(STRICT_POLICY, 'script-src')).toBe("script-src 'self' 'wasm-unsafe-eval' blob:");
  });
});

describe('the bootstrap script (csp.js)', () => {
  /** Runs the script as the browser would, with a fake head and storage; returns the meta it inserted. */
  function run(stored: string | null, storage: 'ok' | 'throws' = 'ok') {
    const inserted: Array<{ httpEquiv: string; content: string }> = [];
    const document = {
      createElement: (tag: string) => {
        expect(tag).toBe('meta');
        return { httpEquiv: '', content: '' };
      },
      head: { firstChild: { tag: 'script' }, insertBefore: (node: { httpEquiv: string; content: string }, before: unknown) => {
        expect(before).toEqual({ tag: 'script' });
        inserted.push(node);
      } },
    };
    const localStorage = {
      getItem: (key: string) => {
        if (storage === 'throws') throw new Error('SecurityError: storage is disabled');
        expect(key).toBe(ALLOWED_ORIGINS_KEY);
        return stored;
      },
    };
    runInNewContext(bootstrapScript(), { document, window: { localStorage } });
    expect(inserted).toHaveLength(1);
    expect(inserted[0]!.httpEquiv).toBe('Content-Security-Policy');
    return inserted[0]!.content;
  }

  test.each([
    ['nothing stored', null],
    ['one site', JSON.stringify(['https://storage.googleapis.com'])],
    ['local http and https', JSON.stringify(['http://127.0.0.1:4000', 'https://a.example'])],
    ['injections and junk', JSON.stringify(["https://a.com; script-src 'unsafe-inline'", "'unsafe-eval'", 'http://evil.com', 'https://ok.example', 'https://ok.example', null])],
    ['too many', JSON.stringify(Array.from({ length: 20 }, (_, i) => `https://s${i}.example`))],
    ['not JSON', '[https://a.com'],
    ['not a list', '"https://a.com"'],
  ])('builds the same policy as the module: %s', (_, stored) => {
    expect(run(stored)).toBe(contentSecurityPolicy(parseAllowedOrigins(stored)));
  });

  test('falls back to the strict policy when storage cannot be read', () => {
    expect(run(null, 'throws')).toBe(STRICT_POLICY);
  });
});
