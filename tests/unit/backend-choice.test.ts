/**
 * Automatic backend choice: a GPU API that runs on a CPU emulation is passed
 * over (with a sentence saying why) and the next backend is used; naming that
 * backend still uses it. The adapter check reads the fields browsers expose.
 */
import { describe, expect, test } from 'vitest';
import { selectBackend, type BackendProbe } from '../../src/core/compute/backend.ts';
import { cpuAdapterReason } from '../../src/worker/probes.ts';

const adapter = (info: Partial<GPUAdapterInfo & { isFallbackAdapter: boolean }>, fallback?: boolean) =>
  ({ info, ...(fallback === undefined ? {} : { isFallbackAdapter: fallback }) }) as unknown as GPUAdapter;

describe('selectBackend', () => {
  const asked: string[] = [];
  const probes: Record<string, BackendProbe> = {
    // WebGL is not registered under Node, so starting it fails: that tells us whether it was tried.
    webgl: async (choice) => {
      asked.push(choice);
      return { slow: 'it renders on a CPU emulation (SwiftShader)' };
    },
    cpu: async () => null,
  };

  test('Automatic passes over a slow backend and says why', async () => {
    const status = await selectBackend('auto', probes);
    expect(status.name).toBe('cpu');
    expect(status.notes).toContain('WebGL passed over: it renders on a CPU emulation (SwiftShader); pick WebGL above to use it anyway.');
    expect(status.notes.some((n) => /failed to initialise/.test(n))).toBe(false);
    expect(asked.at(-1)).toBe('auto');
  });

  test('a slow backend picked by name is tried, not passed over', async () => {
    const status = await selectBackend('webgl', probes);
    expect(asked.at(-1)).toBe('webgl');
    // It was tried (and fails to start only because Node has no WebGL).
    expect(status.notes[0]).toBe('WebGL unavailable: it failed to initialise.');
    expect(status.name).toBe('cpu');
  });

  test('a reason string still means unavailable', async () => {
    const status = await selectBackend('auto', { webgpu: async () => 'no adapter', cpu: async () => null });
    expect(status.notes[0]).toBe('WebGPU unavailable: no adapter.');
  });
});

describe('cpuAdapterReason', () => {
  test('SwiftShader, as Chromium describes it, is a CPU emulation', () => {
    expect(cpuAdapterReason(adapter({ vendor: 'google', architecture: 'swiftshader', device: '', description: '' }))).toMatch(
      /CPU emulation \(SwiftShader\)/,
    );
  });
  test('a fallback adapter is named as such, by either field', () => {
    expect(cpuAdapterReason(adapter({ vendor: 'x' }, true))).toMatch(/CPU fallback/);
    expect(cpuAdapterReason(adapter({ vendor: 'x', isFallbackAdapter: true }))).toMatch(/CPU fallback/);
  });
  test('lavapipe and llvmpipe are CPU implementations', () => {
    expect(cpuAdapterReason(adapter({ vendor: 'mesa', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' }))).not.toBeNull();
  });
  test('a real GPU is not', () => {
    expect(cpuAdapterReason(adapter({ vendor: 'nvidia', architecture: 'ampere', description: 'NVIDIA GeForce RTX 3060' }))).toBeNull();
    expect(cpuAdapterReason(adapter({ vendor: 'apple', architecture: 'metal-3' }, false))).toBeNull();
  });
});
