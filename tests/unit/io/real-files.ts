/** Where the real AwA2 / xlsa17 files live (read in place, never copied). Test-only code. */
import path from 'node:path';
import { readFileSync } from 'node:fs';

export const SHARED_AWA2 = path.resolve(import.meta.dirname, '../../../../shared/awa2');
export const readShared = (name: string): Uint8Array => readFileSync(path.join(SHARED_AWA2, name));
