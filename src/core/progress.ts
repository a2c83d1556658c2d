/**
 * The one shape of progress every long job reports (parsing, extraction,
 * training, closed-form solves), so the worker forwards it as it is and the page
 * shows phase, percent and time left the same way for all of them.
 * Type-only: no DOM, no tfjs.
 */

export interface Progress {
  /** What is being done now, as the user reads it ("Parsing features"). */
  phase: string;
  /** Overall, 0…1, non-decreasing. */
  fraction: number;
  /** Seconds left, when it can be estimated. */
  etaSeconds: number | null;
  /** A figure beside the phase, e.g. "212 MB/s". */
  detail?: string;
}

/** What a computation knows of itself; its caller, who times it, adds the time left. */
export type PhaseProgress = Pick<Progress, 'phase' | 'fraction'>;
