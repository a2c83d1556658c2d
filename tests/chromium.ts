/** How the tests launch Debian's Chromium with real WebGPU (SwiftShader on CPU). */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const chromiumArgs = [
  '--enable-unsafe-webgpu',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** The same browser with WebGPU left off, to exercise the fallback path. */
export const chromiumArgsWithoutWebGpu = chromiumArgs.filter((arg) => arg !== '--enable-unsafe-webgpu').concat('--disable-webgpu');
