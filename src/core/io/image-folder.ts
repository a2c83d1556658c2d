/**
 * Recognising an image-folder dataset: pictures in one folder per class (as
 * AwA2's JPEGImages/<class>/), with the class side as in the AwA2 release
 * (classes.txt, predicates.txt, a predicate matrix) and the unseen classes in
 * testclasses.txt (or testclasses-proposed.txt). Reads only the small text
 * files; the pictures are decoded and embedded by the worker.
 * Pure TypeScript: no DOM, no Node modules.
 */
import { ZslError } from '../errors.ts';
import { recogniseLayout, type LayoutDescription, type LayoutName } from './layout.ts';
import { parsePredicateMatrix } from './predicate-matrix.ts';
import { readAll, type SourceFile } from './source-file.ts';
import { parseIndexedNames, parseNameList, resolveClasses } from './text-lists.ts';

export const IMAGE_PATTERN = /\.(png|jpe?g|webp)$/i;

export interface ImageFolder {
  classNames: string[];
  attributeNames: string[];
  /** classes × attributes, as in the predicate matrix (raw). */
  classAttributes: Float32Array;
  /** Every picture with its class index, in a stable order (class, then path). */
  images: Array<{ file: SourceFile; label: number }>;
  unseenClasses: number[];
  /** Where the unseen classes came from, for the split's description. */
  unseenFrom: string;
}

/** True when the files look like pictures in class folders (decided before any parsing). */
export function looksLikeImageFolder(files: SourceFile[]): boolean {
  return files.filter((f) => IMAGE_PATTERN.test(f.name)).length >= 2 && files.some((f) => f.name === 'classes.txt');
}

/**
 * What a drop is, decided in this one place for staging and loading alike: a
 * recognised release wins (a release may carry pictures too); otherwise pictures
 * in class folders beside classes.txt are an image folder.
 */
export function dropKind(files: SourceFile[], layout: LayoutDescription = recogniseLayout(files)): LayoutName | 'image-folder' {
  return layout.layout === 'unknown' && looksLikeImageFolder(files) ? 'image-folder' : layout.layout;
}

export async function readImageFolder(files: SourceFile[], signal?: AbortSignal): Promise<ImageFolder> {
  const byName = (pattern: RegExp) => files.find((f) => pattern.test(f.name));
  const need = (pattern: RegExp, label: string) => {
    const file = byName(pattern);
    if (!file) throw new ZslError(`${label} is missing; an image folder needs classes.txt, predicates.txt, a predicate matrix and testclasses.txt beside the class folders.`);
    return file;
  };
  const classesFile = need(/^classes\.txt$/i, 'classes.txt');
  const predicatesFile = need(/^predicates\.txt$/i, 'predicates.txt');
  const matrixFile = byName(/^predicate-matrix-continuous\.txt$/i) ?? need(/^predicate-matrix-binary\.txt$/i, 'A predicate matrix');
  const testFile = byName(/^testclasses\.txt$/i) ?? need(/^testclasses-proposed\.txt$/i, 'testclasses.txt (the unseen classes)');
  const classNames = parseIndexedNames(await readAll(classesFile, signal), classesFile.name);
  const attributeNames = parseIndexedNames(await readAll(predicatesFile, signal), predicatesFile.name);
  const classAttributes = parsePredicateMatrix(await readAll(matrixFile, signal), matrixFile.name, {
    classes: classNames.length,
    attributes: attributeNames.length,
    kind: /binary/.test(matrixFile.name) ? 'binary' : 'continuous',
  });
  const unseenClasses = resolveClasses(parseNameList(await readAll(testFile, signal), testFile.name), classNames, testFile.name);
  const classIndex = new Map(classNames.map((name, i) => [name, i] as const));
  const images: ImageFolder['images'] = [];
  for (const file of files) {
    if (!IMAGE_PATTERN.test(file.name)) continue;
    const parts = file.path.split('/');
    const folder = parts[parts.length - 2];
    const label = folder === undefined ? undefined : classIndex.get(folder);
    if (label === undefined) {
      throw new ZslError(`is in the folder "${folder ?? '(none)'}", which is not a class in ${classesFile.name}; expected one folder per class, named as in ${classesFile.name}.`, { file: file.path });
    }
    images.push({ file, label });
  }
  images.sort((a, b) => a.label - b.label || (a.file.path < b.file.path ? -1 : 1));
  const counts = new Map<number, number>();
  for (const { label } of images) counts.set(label, (counts.get(label) ?? 0) + 1);
  const empty = classNames.filter((_, c) => !counts.has(c));
  if (empty.length > 0) {
    throw new ZslError(`has no pictures for ${empty.length} class(es): ${empty.slice(0, 5).join(', ')}${empty.length > 5 ? '…' : ''}; expected a folder of pictures for every class.`, { file: classesFile.name });
  }
  return { classNames, attributeNames, classAttributes, images, unseenClasses, unseenFrom: testFile.name };
}
