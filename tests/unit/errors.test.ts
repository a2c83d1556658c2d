/** Every failure becomes one sentence; running out of memory says what to try next. */
import { describe, expect, test } from 'vitest';
import { CancelledError, toUserMessage, ZslError } from '../../src/core/errors.ts';

const SUGGESTION = /Try a smaller batch size or fewer hidden units, or pick another backend/;

describe('toUserMessage', () => {
  test.each([
    ['a JavaScript engine that refuses an ArrayBuffer', new RangeError('Array buffer allocation failed')],
    ['WebGL that cannot allocate a texture', new Error('Failed to allocate texture of size 4096x4096')],
    ['a WASM heap that cannot grow', new Error('Aborted(Cannot enlarge memory arrays to size 2147549184 bytes)')],
    ['a WASM memory at its maximum', new RangeError('WebAssembly.Memory.grow(): Maximum memory size exceeded')],
    ['a device that says so', new Error('GPU out of memory')],
    ['an OOM abort', new Error('Aborted(OOM)')],
  ])('out of memory from %s: a sentence with a suggestion', (_, error) => {
    const message = toUserMessage(error);
    expect(message).toMatch(/^The device ran out of memory \(.+\)\. /);
    expect(message).toMatch(SUGGESTION);
    expect(message).toContain(error.message.replace(/[.!?]$/, ''));
    expect(message).not.toMatch(/\.\)/); // no "failed.)"
  });

  test("WebGPU's GPUOutOfMemoryError counts by its name", () => {
    const error = Object.assign(new Error('Buffer creation failed.'), { name: 'GPUOutOfMemoryError' });
    expect(toUserMessage(error)).toMatch(/^The device ran out of memory \(Buffer creation failed\)\. Try a smaller batch size/);
  });

  test('words that merely contain "oom" are not memory errors', () => {
    expect(toUserMessage(new Error('No room for the zoom level'))).toBe('No room for the zoom level.');
  });

  test('other errors keep their text as one sentence', () => {
    expect(toUserMessage(new Error('Something broke'))).toBe('Something broke.');
    expect(toUserMessage(new ZslError('expected 3 columns.', { file: 'a.txt', line: 4 }))).toBe('a.txt, line 4: expected 3 columns.');
    expect(toUserMessage(new CancelledError())).toBe('Cancelled.');
    expect(toUserMessage('text')).toBe('Unexpected error: text.');
  });
});
