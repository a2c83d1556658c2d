/** The picture world written as an image folder on disk (Pictures/<class>/<n>.png with the class side beside it), for drops. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PICTURE_ATTRIBUTES, PICTURE_CLASS_NAMES, PICTURE_UNSEEN, attributeVector, attributesOf, renderPicture } from '../../src/core/demos/picture-world.ts';
import { createRng } from '../../src/core/compute/rng.ts';
import { encodePng } from './png.ts';

export function writeImageFolder(perClass: number): string {
  const root = path.join(mkdtempSync(path.join(tmpdir(), 'zsl-folder-')), 'PictureWorld');
  const indexed = (names: readonly string[]) => names.map((n, i) => `${String(i + 1).padStart(6)}\t${n}`).join('\n') + '\n';
  mkdirSync(root, { recursive: true });
  writeFileSync(path.join(root, 'classes.txt'), indexed(PICTURE_CLASS_NAMES));
  writeFileSync(path.join(root, 'predicates.txt'), indexed(PICTURE_ATTRIBUTES));
  writeFileSync(
    path.join(root, 'predicate-matrix-binary.txt'),
    PICTURE_CLASS_NAMES.map((n) => Array.from(attributeVector(attributesOf(n)), (v) => (v > 0 ? 1 : 0)).join(' ')).join('\n'),
  );
  writeFileSync(path.join(root, 'testclasses.txt'), PICTURE_UNSEEN.join('\n') + '\n');
  const rng = createRng(11);
  for (const name of PICTURE_CLASS_NAMES) {
    mkdirSync(path.join(root, 'Pictures', name), { recursive: true });
    for (let k = 0; k < perClass; k++) {
      writeFileSync(path.join(root, 'Pictures', name, `${k}.png`), encodePng(renderPicture(attributesOf(name), rng, 32), 32, 32));
    }
  }
  return root;
}
