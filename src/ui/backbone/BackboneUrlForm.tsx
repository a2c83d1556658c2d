/**
 * A backbone from a URL: the address (a public MobileNet by default) and the
 * preprocessing to use when its folder has no backbone.json. Before the page
 * contacts a site it names it and asks; the answer is remembered until the user
 * forgets allowed sites. The download's progress and Cancel are in BackbonePanel.
 */
import { useState } from 'react';
import { DEFAULT_BACKBONE_URL, knownPreset, PRESETS, type PresetId } from './backbone-presets.ts';
import { allowedSites } from './allowed-sites.ts';
import { useAppState, useController } from '../context.ts';

export function BackboneUrlForm() {
  const busy = useAppState((s) => s.status !== 'idle' || s.datasetJob !== null || s.backboneDownload !== null);
  const controller = useController();
  const [url, setUrl] = useState(DEFAULT_BACKBONE_URL);
  const [preset, setPreset] = useState<PresetId>(knownPreset(DEFAULT_BACKBONE_URL) ?? 'mobilenet');
  /** The site waiting for the user's yes or no. */
  const [asking, setAsking] = useState<{ url: string; origin: string } | null>(null);
  const [sites, setSites] = useState(allowedSites);

  const load = () => {
    const check = controller.checkBackboneUrl(url);
    if ('problem' in check) return controller.notify(check.problem);
    if (check.allowed) return void controller.loadBackboneUrl(check.url, preset);
    setAsking({ url: check.url, origin: check.origin });
  };

  return (
    <details className="backbone-url" data-testid="backbone-url">
      <summary>Use a backbone from a URL…</summary>
      <div className="settings">
        <label className="field wide">
          <span>model.json of a TensorFlow.js model (Layers or Graph), or ResNet weights (.h5, .safetensors)</span>
          <input
            name="backbone-url"
            type="url"
            value={url}
            spellCheck={false}
            onChange={(e) => {
              setUrl(e.target.value);
              setAsking(null);
              const known = knownPreset(e.target.value.trim());
              if (known) setPreset(known);
            }}
          />
        </label>
        <label className="field wide">
          <span>Preprocessing, when the model's folder has no backbone.json</span>
          <select name="backbone-preset" value={preset} onChange={(e) => setPreset(e.target.value as PresetId)}>
            {PRESETS.map((p) => (
              <option key={p.id} value={p.id}>
                {p.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="row">
        <button type="button" data-testid="backbone-url-load" disabled={busy || asking !== null} onClick={load}>
          Load from URL
        </button>
      </div>
      {asking && (
        <div className="consent" role="alertdialog" aria-labelledby="consent-text" data-testid="backbone-consent">
          <p id="consent-text">
            Loading this backbone contacts <strong data-testid="consent-origin">{asking.origin}</strong>, a site outside this app. Nothing
            is sent to it but requests for the model's files (no cookies, not this page's address). Allow this site? The choice is
            remembered in this browser, and the page reloads once to let the site in, then continues the load.
          </p>
          <div className="row">
            <button
              type="button"
              className="primary"
              data-testid="backbone-allow"
              onClick={() => {
                const { url: allowedUrl } = asking;
                setAsking(null);
                void controller.allowSiteAndLoad(allowedUrl, preset).then(() => setSites(allowedSites()));
              }}
            >
              Allow and load
            </button>
            <button type="button" onClick={() => setAsking(null)}>
              Don't allow
            </button>
          </div>
        </div>
      )}
      <p className="hint">
        {sites.length > 0 ? (
          <>
            Sites this page may contact: <span data-testid="allowed-sites">{sites.join(', ')}</span>.{' '}
            <button type="button" className="link" data-testid="forget-sites" onClick={() => controller.forgetAllowedSites()}>
              Forget allowed sites
            </button>
          </>
        ) : (
          'No outside site is allowed: the page contacts only its own origin.'
        )}
      </p>
    </details>
  );
}
