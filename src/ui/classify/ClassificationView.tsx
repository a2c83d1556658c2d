/**
 * How one answer of the model is shown: the image's true class and where it
 * ranked (or why it could not be named), the candidates with rank and a
 * normalised confidence (raw score on hover), and a bar chart of the attributes
 * behind the best answer. Fed by any input (a dataset image, a drawing, a photo).
 */
import { useEffect, useRef } from 'react';
import type { Classification } from '../../core/inference/classify.ts';
import type { ImageClassification } from '../../worker/protocol.ts';
import type { PhotoResult } from './PhotoInput.tsx';
import { humanClassName } from '../../core/data/dataset-identity.ts';
import { BreakableName } from '../shared/BreakableName.tsx';

export type ShownResult = Classification &
  Partial<Pick<ImageClassification, 'trueClass' | 'trueClassId' | 'trueSeen' | 'trueRank' | 'imageIndex' | 'imageSet' | 'picture'>> & {
    /** For a photo: whether the backbone's feature space is the model's. */
    space?: PhotoResult['space'];
  };

const ordinal = (n: number) => {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
};
const pct = (v: number) => (v >= 0.995 ? '>99%' : v < 0.005 ? '<1%' : `${Math.round(v * 100)}%`);

export function ClassificationView({
  result,
  count,
  scope,
  onRankAll,
}: {
  result: ShownResult;
  count: number;
  scope: 'unseen' | 'all';
  onRankAll?: () => void;
}) {
  const best = result.top[0];
  const candidates = scope === 'unseen' ? `the ${result.candidates} unseen classes` : `all ${result.candidates} classes`;
  return (
    <div className="classification" data-testid="classification" data-result={count}>
      {result.picture && <PictureOf picture={result.picture} label={`Image ${(result.imageIndex ?? 0) + 1}`} />}
      {result.imageIndex !== undefined && result.trueClass !== undefined && (
        <p data-testid="true-class">
          Image {result.imageIndex + 1} ({result.imageSet}): its class is <strong>{humanClassName(result.trueClass)}</strong>
          {result.trueSeen ? ' (seen in training)' : ' (never seen in training)'}.{' '}
          {result.trueRank !== null && result.trueRank !== undefined && (
            <span data-testid="true-rank" data-rank={result.trueRank}>
              The model ranks it <strong>{ordinal(result.trueRank)}</strong> of {result.candidates}.
            </span>
          )}
        </p>
      )}
      {result.space && (
        <p className={`space-note space-${result.space.status}`} data-testid="space-note" data-status={result.space.status}>
          {result.space.text}
        </p>
      )}
      {result.trueClass !== undefined && result.trueRank === null && (
        <p className="notice notice-info" data-testid="not-a-candidate">
          <span>
            <strong>{humanClassName(result.trueClass)}</strong> is a seen class, and only unseen classes are candidates here (ZSL), so the right
            answer cannot appear below.
          </span>
          {onRankAll && (
            <button type="button" onClick={onRankAll}>
              Rank all classes (GZSL)
            </button>
          )}
        </p>
      )}
      <p className="hint" id={`candidates-${count}`}>
        Best {result.top.length} of {candidates}. Confidence: a softmax of the model's scores over the candidates, each score
        first divided by their spread (all candidates add up to 100%); a relative measure, not a probability. Hover a row for the
        raw score.
      </p>
      <ol className="top-classes" data-testid="top-classes" aria-describedby={`candidates-${count}`}>
        {result.top.map((t) => (
          <li
            key={t.classId}
            data-class={t.name}
            data-rank={t.rank}
            data-confidence={t.confidence}
            className={t.classId === result.trueClassId ? 'true-class' : undefined}
            title={`${humanClassName(t.name)}: raw score ${t.score.toPrecision(4)} (higher is better; its scale depends on the method)`}
          >
            <span className="rank">{t.rank}</span>
            <span className="class-name">
              <strong>
                <BreakableName name={humanClassName(t.name)} />
              </strong>
              {scope === 'all' && !t.seen && <span className="badge badge-unseen">unseen</span>}
              {t.classId === result.trueClassId && <span className="badge badge-true">true class</span>}
            </span>
            <span className="confidence" aria-label={`confidence ${pct(t.confidence)}`}>
              <span className="confidence-bar" style={{ width: `${Math.max(1, t.confidence * 100)}%` }} />
            </span>
            <span className="confidence-value">{pct(t.confidence)}</span>
          </li>
        ))}
      </ol>
      {best && <EvidenceChart result={result} best={humanClassName(best.name)} />}
    </div>
  );
}

/** The dataset's picture the answer is about, drawn from its RGBA pixels. */
function PictureOf({ picture, label }: { picture: NonNullable<ShownResult['picture']>; label: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const context = canvas.current?.getContext('2d');
    if (!context) return;
    context.putImageData(new ImageData(new Uint8ClampedArray(picture.pixels), picture.width, picture.height), 0, 0);
  }, [picture]);
  return <canvas ref={canvas} className="dataset-picture" width={picture.width} height={picture.height} data-testid="dataset-picture" role="img" aria-label={label} />;
}

/** Two bars per attribute, each side on its own scale (−1…1): what the model reads in the image, and what the class has. */
function EvidenceChart({ result, best }: { result: Classification; best: string }) {
  const reads = result.evidence.some((e) => e.read !== null);
  if (result.evidence.length === 0) return null;
  return (
    <figure className="evidence" data-testid="attribute-evidence">
      <figcaption>
        {reads ? (
          <>
            Why <strong>{best}</strong>: the attributes the model reads most strongly in the image, beside {best}'s own (each
            scaled to its largest value).
          </>
        ) : (
          <>
            This method compares images and classes in image-feature space, so it reads no attributes directly; these are{' '}
            <strong>{best}</strong>'s strongest attributes.
          </>
        )}
      </figcaption>
      <div className="evidence-legend">
        {reads && (
          <span>
            <i className="swatch-read" /> read in the image
          </span>
        )}
        <span>
          <i className="swatch-class" /> {best} has
        </span>
      </div>
      <div className="evidence-rows">
        {result.evidence.map((e) => (
          <div className="evidence-row" key={e.name} data-attribute={e.name}>
            <span className="evidence-name" title={e.name}>
              {e.name}
            </span>
            <span className="evidence-bars">
              {e.read !== null && <Bar value={e.read} kind="read" />}
              <Bar value={e.classValue} kind="class" />
            </span>
          </div>
        ))}
      </div>
    </figure>
  );
}

/** A bar from the middle: right for positive values, left for negative ones. */
function Bar({ value, kind }: { value: number; kind: 'read' | 'class' }) {
  const width = Math.min(50, Math.abs(value) * 50);
  return (
    <span className={`evidence-track evidence-${kind}`} title={`${kind === 'read' ? 'read' : 'class'}: ${value.toFixed(2)}`}>
      <span className="evidence-fill" style={{ left: value >= 0 ? '50%' : `${50 - width}%`, width: `${width}%` }} />
    </span>
  );
}
