/**
 * Recognising what a dropped folder or zip holds: the AwA2 text release, the xlsa17
 * release (res101.mat + att_splits.mat), a mix (AwA2 text features + xlsa17
 * att_splits.mat for the proposed split), or the generic layout for any dataset
 * (features.npy, labels.txt, attributes.csv, class lists; see the README). Files are matched by name under any prefix
 * (e.g. Animals_with_Attributes2/); the result says which file plays which role,
 * what is missing (as sentences) and which roles have two candidates.
 * Pure TypeScript: no DOM, no Node modules.
 */
import { ZslError } from '../errors.ts';
import type { SourceFile } from './source-file.ts';

export type FileRole =
  | 'classes' | 'predicates' | 'matrixContinuous' | 'matrixBinary'
  | 'trainClasses' | 'testClasses' | 'trainvalClassesProposed' | 'testClassesProposed'
  | 'features' | 'labels' | 'filenames' | 'res101' | 'attSplits'
  | 'npyFeatures' | 'attributeTable';

export type LayoutName = 'awa2-text' | 'xlsa17' | 'mixed' | 'generic' | 'unknown';

export interface LayoutDescription {
  layout: LayoutName;
  files: Partial<Record<FileRole, SourceFile>>;
  /** The folder name under Features/ (e.g. "ResNet101"), when the text features were found. */
  network?: string;
  /** What is needed and absent, as sentences. */
  missing: string[];
  /** Roles with more than one candidate file (all paths listed). */
  duplicates: Array<{ role: FileRole; paths: string[] }>;
  /** Files that play no role (not an error). */
  ignored: string[];
}

const ROLE_BY_NAME: Array<[RegExp, FileRole]> = [
  [/^classes\.txt$/i, 'classes'],
  [/^predicates\.txt$/i, 'predicates'],
  [/^predicate-matrix-continuous\.txt$/i, 'matrixContinuous'],
  [/^predicate-matrix-binary\.txt$/i, 'matrixBinary'],
  [/^trainclasses\.txt$/i, 'trainClasses'],
  [/^testclasses\.txt$/i, 'testClasses'],
  [/^trainvalclasses(-proposed)?\.txt$/i, 'trainvalClassesProposed'],
  [/^testclasses-proposed\.txt$/i, 'testClassesProposed'],
  [/-features\.txt$/i, 'features'],
  [/-labels\.txt$/i, 'labels'],
  [/-filenames\.txt$/i, 'filenames'],
  [/^res101\.mat$/i, 'res101'],
  [/^att_splits\.mat$/i, 'attSplits'],
  [/\.npy$/i, 'npyFeatures'],
  [/^labels\.(txt|csv)$/i, 'labels'],
  [/^(class[-_]?)?attributes\.(csv|tsv)$/i, 'attributeTable'],
];

/** Describes the files; never throws (see assertUsable). */
export function recogniseLayout(files: SourceFile[]): LayoutDescription {
  const candidates = new Map<FileRole, SourceFile[]>();
  const ignored: string[] = [];
  for (const file of files) {
    const parts = file.path.split('/');
    // macOS resource forks and hidden files are never data.
    if (parts.includes('__MACOSX') || file.name.startsWith('._') || file.name.startsWith('.')) continue;
    const role = ROLE_BY_NAME.find(([pattern]) => pattern.test(file.name))?.[1];
    if (!role) {
      ignored.push(file.path);
      continue;
    }
    candidates.set(role, [...(candidates.get(role) ?? []), file]);
  }
  const files_: Partial<Record<FileRole, SourceFile>> = {};
  const duplicates: LayoutDescription['duplicates'] = [];
  for (const [role, list] of candidates) {
    if (list.length > 1) duplicates.push({ role, paths: list.map((f) => f.path) });
    files_[role] = list[0]!;
  }
  const has = (role: FileRole) => files_[role] !== undefined;
  const textFeatures = has('features');
  const layout: LayoutName =
    textFeatures && has('attSplits') ? 'mixed' : textFeatures ? 'awa2-text' : has('res101') || has('attSplits') ? 'xlsa17' : has('npyFeatures') ? 'generic' : 'unknown';
  const missing: string[] = [];
  if (layout === 'unknown') {
    missing.push(
      'No image features were found: expected Features/<network>/AwA2-features.txt (AwA2 text release), res101.mat (xlsa17) or features.npy (the generic layout).',
    );
  }
  if (layout === 'generic') {
    if (!has('labels')) missing.push('labels.txt is missing: it gives the class (name or number) of each row of the features .npy file.');
    if (!has('attributeTable')) missing.push('attributes.csv (or .tsv) is missing: it gives one row of attribute values per class.');
    if (!(has('trainvalClassesProposed') || has('trainClasses')) || !(has('testClassesProposed') || has('testClasses'))) {
      missing.push('No split was found: expected trainclasses.txt (the seen classes) and testclasses.txt (the unseen classes), one name a line.');
    }
  }
  if (layout === 'awa2-text' || layout === 'mixed') {
    if (!has('labels')) missing.push('AwA2-labels.txt is missing: it gives the class of each line of the feature file.');
    if (!has('classes') && layout === 'awa2-text') missing.push('classes.txt is missing: it names the 50 classes.');
  }
  if (layout === 'awa2-text') {
    if (!has('matrixContinuous') && !has('matrixBinary')) {
      missing.push('predicate-matrix-continuous.txt (or -binary.txt) is missing: it gives the attributes of each class.');
    }
    if (!has('predicates')) missing.push('predicates.txt is missing: it names the attributes.');
    const ss = has('trainClasses') && has('testClasses');
    const ps = has('trainvalClassesProposed') && has('testClassesProposed');
    if (!ss && !ps) {
      missing.push('No split was found: expected trainclasses.txt and testclasses.txt, trainvalclasses-proposed.txt and testclasses-proposed.txt, or att_splits.mat.');
    }
  }
  if (layout === 'xlsa17') {
    if (!has('res101')) missing.push('res101.mat is missing: it holds the image features and labels of the xlsa17 release.');
    if (!has('attSplits')) missing.push('att_splits.mat is missing: it holds the class names, attributes and the proposed split.');
  }
  const featurePath = files_.features?.path.split('/');
  const network = featurePath && featurePath.length >= 2 ? featurePath[featurePath.length - 2] : undefined;
  return { layout, files: files_, ...(network ? { network } : {}), missing, duplicates, ignored };
}

/** Throws one ZslError naming the first duplicate or everything missing. */
export function assertUsable(description: LayoutDescription): void {
  const dup = description.duplicates[0];
  if (dup) {
    const [first, second] = dup.paths;
    throw new ZslError(
      `two files can play the same part: "${first}" and "${second}"${dup.paths.length > 2 ? ` (and ${dup.paths.length - 2} more)` : ''}; expected one ${fileLabel(dup.role)}. Remove one of them (or drop only one dataset's folder).`,
      { file: second ?? first ?? '' },
    );
  }
  if (description.missing.length > 0) {
    throw new ZslError(`the files do not form a complete dataset. ${description.missing.join(' ')}`);
  }
}

export function fileLabel(role: FileRole): string {
  const labels: Record<FileRole, string> = {
    classes: 'classes.txt', predicates: 'predicates.txt', matrixContinuous: 'predicate-matrix-continuous.txt',
    matrixBinary: 'predicate-matrix-binary.txt', trainClasses: 'trainclasses.txt', testClasses: 'testclasses.txt',
    trainvalClassesProposed: 'trainvalclasses-proposed.txt', testClassesProposed: 'testclasses-proposed.txt',
    features: 'feature file (*-features.txt)', labels: 'labels file (*-labels.txt)', filenames: 'filenames file (*-filenames.txt)',
    res101: 'res101.mat', attSplits: 'att_splits.mat',
    npyFeatures: 'features file (*.npy)', attributeTable: 'attribute table (attributes.csv or .tsv)',
  };
  return labels[role];
}
