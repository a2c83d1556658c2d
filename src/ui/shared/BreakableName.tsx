/**
 * A class name that may wrap at its separators ("151.Black_footed_Woodpecker",
 * "grizzly+bear") instead of in the middle of a word: a <wbr> after each
 * separator, which leaves the text itself (and copying it) unchanged.
 */
import { Fragment } from 'react';

export function BreakableName({ name }: { name: string }) {
  const parts = name.split(/(?<=[_.+\-/])/);
  return (
    <>
      {parts.map((part, i) => (
        <Fragment key={i}>
          {part}
          {i < parts.length - 1 && <wbr />}
        </Fragment>
      ))}
    </>
  );
}
