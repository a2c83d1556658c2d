/**
 * The idea of zero-shot learning in three steps, told with the loaded
 * dataset's own classes and attributes ("horse + striped → zebra"), what to do
 * first, and for the picture demo a legend of its world and of the
 * combinations it never trains on. Short and skippable; skipping is remembered.
 */
import { PICTURE_ATTRIBUTE_GROUPS } from '../../core/demos/picture-world.ts';
import { humanClassName } from '../../core/data/dataset-identity.ts';
import { useAppState, useController } from '../context.ts';

const list = (items: readonly string[]) =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;

export function ExplainerToggle() {
  const open = useAppState((s) => s.explainerOpen);
  const controller = useController();
  if (open) return null;
  return (
    <button type="button" className="link" data-testid="explainer-show" onClick={() => controller.setExplainerOpen(true)}>
      How does this work?
    </button>
  );
}

export function Explainer() {
  const open = useAppState((s) => s.explainerOpen);
  const dataset = useAppState((s) => s.dataset);
  const controller = useController();
  if (!open) return null;
  const split = dataset?.splits[0];
  const found = dataset?.analogy ?? null;
  const analogy = found && { ...found, seen: humanClassName(found.seen), unseen: humanClassName(found.unseen) };
  const pictures = dataset?.id.startsWith('pictures-') ?? false;
  const closedForm = pictures; // the picture demo selects ESZSL, which fits in seconds
  return (
    <section className="panel explainer" aria-labelledby="explainer-title" data-testid="explainer">
      <div className="explainer-head">
        <h2 id="explainer-title">Zero-shot learning in three steps</h2>
        <button type="button" data-testid="explainer-skip" onClick={() => controller.setExplainerOpen(false)}>
          Got it, hide this
        </button>
      </div>
      <ol className="steps">
        <li>
          <strong>Every class is described by attributes.</strong>{' '}
          {dataset ? `${dataset.name} describes each of its ${dataset.classes} classes with ${dataset.attributes} attributes` : 'Each class is a list of attributes'}
          {pictures ? ' (its shape, colour, pattern and size).' : ' (colours, body parts, habitat, behaviour…).'}
        </li>
        <li>
          <strong>The model learns to read those attributes in images</strong>, from pictures of the{' '}
          {split ? `${split.seen} seen classes` : 'seen classes'} only.
        </li>
        <li>
          <strong>It names classes it has never seen from their description.</strong>{' '}
          {analogy ? (
            <span data-testid="explainer-analogy">
              For example <em>{analogy.unseen}</em> never appears in training, but its description is close to{' '}
              <em>{analogy.seen}</em>'s:{' '}
              <span className="equation">
                {analogy.seen}
                {analogy.plus.map((a) => ` + ${a}`).join('')}
                {analogy.minus.map((a) => ` − ${a}`).join('')} → {analogy.unseen}
              </span>
              .
            </span>
          ) : (
            'A zebra is a horse with stripes: knowing horses and stripes is enough to recognise one.'
          )}{' '}
          The model compares what it reads in an image with the description of each {split ? `of the ${split.unseen} ` : ''}unseen
          classes, and picks the closest.
        </li>
      </ol>
      <p className="first-steps">
        <strong>What to do first:</strong> press <em>{closedForm ? 'Fit' : 'Train'}</em> in the Training panel (
        {closedForm ? 'a few seconds' : 'about a minute'}), then in Classify press{' '}
        <em>A random unseen-class image</em>
        {pictures ? ', or draw one of the never-seen combinations below,' : ''} and see whether it names a class it never saw. The
        Results panel shows how often it does, per class.
      </p>
      {pictures && split && dataset && <PictureLegend unseen={split.unseenClasses.map((c) => humanClassName(dataset.classNames[c]!))} />}
    </section>
  );
}

function PictureLegend({ unseen }: { unseen: string[] }) {
  return (
    <div className="picture-legend" data-testid="picture-legend">
      <h3>The picture world</h3>
      <dl className="facts">
        {PICTURE_ATTRIBUTE_GROUPS.map((g) => (
          <div key={g.group} className="legend-group">
            <dt>{g.group}</dt>
            <dd>{g.values.join(', ')}</dd>
          </div>
        ))}
      </dl>
      <p>
        Every combination is a class. These <strong>{unseen.length} are never shown in training</strong>; try drawing one:
      </p>
      <ul className="chips" data-testid="picture-unseen">
        {unseen.map((name) => (
          <li key={name}>{name}</li>
        ))}
      </ul>
    </div>
  );
}
