import { expect, test } from 'vitest';
import { dropKind, looksLikeImageFolder, readImageFolder } from '../../../src/core/io/image-folder.ts';
import { memoryFile } from './helpers/streams.ts';

const side = {
  'w/classes.txt': '     1\tcat\n     2\tdog\n     3\tfox\n',
  'w/predicates.txt': '     1\tfur\n     2\ttail\n',
  'w/predicate-matrix-binary.txt': '1 0\n0 1\n1 1',
  'w/testclasses.txt': 'fox\n',
};
const picture = (path: string) => memoryFile(path, new Uint8Array([137, 80, 78, 71]));
const files = (extra: Record<string, string> = {}, pictures = ['cat/a.png', 'dog/b.jpg', 'fox/c.webp', 'cat/d.png']) => [
  ...Object.entries({ ...side, ...extra }).map(([p, text]) => memoryFile(p, text)),
  ...pictures.map((p) => picture(`w/Pictures/${p}`)),
];

test('reads class folders, the class side and the unseen classes', async () => {
  expect(looksLikeImageFolder(files())).toBe(true);
  const folder = await readImageFolder(files());
  expect(folder.classNames).toEqual(['cat', 'dog', 'fox']);
  expect(folder.images.map((i) => [i.label, i.file.name])).toEqual([[0, 'a.png'], [0, 'd.png'], [1, 'b.jpg'], [2, 'c.webp']]);
  expect(folder.unseenClasses).toEqual([2]);
  expect(Array.from(folder.classAttributes)).toEqual([1, 0, 0, 1, 1, 1]);
});

test('explains what is wrong, naming the file', async () => {
  await expect(readImageFolder(files({}, ['cat/a.png', 'cow/b.png', 'dog/c.png', 'fox/d.png']))).rejects.toThrow(
    /w\/Pictures\/cow\/b\.png: is in the folder "cow", which is not a class in classes\.txt/,
  );
  await expect(readImageFolder(files({}, ['cat/a.png', 'dog/b.png']))).rejects.toThrow(/classes\.txt: has no pictures for 1 class\(es\): fox/);
  const noTest = files().filter((f) => f.name !== 'testclasses.txt');
  await expect(readImageFolder(noTest)).rejects.toThrow(/testclasses\.txt \(the unseen classes\) is missing/);
  await expect(readImageFolder(files({ 'w/testclasses.txt': 'wolf\n' }))).rejects.toThrow(/testclasses\.txt.*wolf/);
});

test('a drop is an image folder only when no release is recognised in it', () => {
  expect(dropKind(files())).toBe('image-folder');
  // The same pictures beside the AwA2 text release's features are that release, not a folder to embed.
  const release = [...files(), memoryFile('w/Features/ResNet101/AwA2-features.txt', '1 2\n'), memoryFile('w/Features/ResNet101/AwA2-labels.txt', '1\n')];
  expect(dropKind(release)).toBe('awa2-text');
  expect(dropKind(files().filter((f) => f.name !== 'classes.txt'))).toBe('unknown');
});
