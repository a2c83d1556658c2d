/**
 * The sites the user allowed the page to contact for a backbone URL. They are
 * kept in localStorage, where csp.js reads them when the page loads and writes
 * them into the page's Content-Security-Policy; a policy in force cannot be
 * widened, so a newly allowed site takes a reload, and the backbone load waits
 * for it in sessionStorage. DOM only (storage, the policy meta, its violation events).
 */
import type { PresetId } from './backbone-presets.ts';
import { ALLOWED_ORIGINS_KEY, isAllowableOrigin, MAX_ALLOWED_ORIGINS, parseAllowedOrigins } from '../../client/site-policy.ts';

const PENDING_KEY = 'zero-shot-studio:pending-backbone-url';

export function allowedSites(): string[] {
  try {
    return parseAllowedOrigins(localStorage.getItem(ALLOWED_ORIGINS_KEY));
  } catch {
    return []; // storage disabled: nothing was allowed
  }
}

/** Adds a site (the newest first; the oldest beyond the limit are dropped). */
export function allowSite(origin: string): void {
  if (!isAllowableOrigin(origin)) throw new Error(`not an origin that can be allowed: ${origin}`);
  const sites = [origin, ...allowedSites().filter((o) => o !== origin)].slice(0, MAX_ALLOWED_ORIGINS);
  localStorage.setItem(ALLOWED_ORIGINS_KEY, JSON.stringify(sites));
}

export function forgetSites(): void {
  try {
    localStorage.removeItem(ALLOWED_ORIGINS_KEY);
  } catch {
    // storage disabled: there was nothing to forget
  }
}

/** The connect-src sources of the page's policy in force; null when the page has none (the dev server). */
function connectSources(): string[] | null {
  const metas = Array.from(document.querySelectorAll<HTMLMetaElement>('meta[http-equiv="Content-Security-Policy" i]'));
  if (metas.length === 0) return null;
  // Every policy is enforced: a source must be in all of them.
  const lists = metas.map((meta) => {
    const directives = meta.content.split(';').map((d) => d.trim().split(/\s+/));
    const connect = directives.find((d) => d[0] === 'connect-src') ?? directives.find((d) => d[0] === 'default-src') ?? [];
    return connect.slice(1);
  });
  return lists.reduce((a, b) => a.filter((source) => b.includes(source)));
}

/** Whether the policy in force lets the page fetch from this origin. */
export function policyAdmits(origin: string): boolean {
  if (origin === location.origin) return true;
  const sources = connectSources();
  return sources === null || sources.includes(origin);
}

/** Whether the policy in force names sites beyond the page's own (after forgetting them, a reload removes them). */
export function policyNamesOtherSites(): boolean {
  return (connectSources() ?? []).some((source) => source !== "'self'");
}

export interface PendingLoad {
  url: string;
  preset: PresetId;
}

/** A backbone load that continues after the reload that applies its newly allowed site. */
export function savePendingLoad(load: PendingLoad): void {
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(load));
}

/** The load waiting for this page, if any; taken once, so a failure never reloads in a loop. */
export function takePendingLoad(): PendingLoad | null {
  try {
    const raw = sessionStorage.getItem(PENDING_KEY);
    sessionStorage.removeItem(PENDING_KEY);
    const value = JSON.parse(raw ?? 'null') as Partial<PendingLoad> | null;
    return value && typeof value.url === 'string' && typeof value.preset === 'string' ? { url: value.url, preset: value.preset as PresetId } : null;
  } catch {
    return null;
  }
}

const refused = new Set<string>();

/**
 * Starts noting the sites the page's policy blocks, for refusedByPolicy; the page
 * calls it once as it boots (main.tsx), before any backbone download. Returns
 * the function that stops it.
 */
export function watchPolicyViolations(target: Pick<Document, 'addEventListener' | 'removeEventListener'> = document): () => void {
  const onViolation = (event: SecurityPolicyViolationEvent) => {
    try {
      refused.add(new URL(event.blockedURI).origin);
    } catch {
      // 'inline', 'eval' and the like: not a site
    }
  };
  target.addEventListener('securitypolicyviolation', onViolation);
  return () => target.removeEventListener('securitypolicyviolation', onViolation);
}

/** True when the page's policy blocked a request to this URL's origin since the page started watching. */
export function refusedByPolicy(url: string): boolean {
  return refused.has(new URL(url).origin);
}
