/** A labelled progress bar: phase, percent and time left. */
import type { Progress } from '../../core/progress.ts';
import { duration } from './format.ts';

export function ProgressBar({ progress, testId }: { progress: Progress | null; testId: string }) {
  if (!progress) return null;
  const pct = Math.round(progress.fraction * 100);
  return (
    <div className="progress" data-testid={testId}>
      <div className="progress-label">
        <span>{progress.phase}</span>
        <span>
          {progress.detail ? `${progress.detail} · ` : ''}
          {pct}%{progress.etaSeconds !== null ? ` · ${duration(progress.etaSeconds)} left` : ''}
        </span>
      </div>
      <div className="progress-track" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct}>
        <div className="progress-fill" style={{ width: `${pct}%` }} />
      </div>
    </div>
  );
}
