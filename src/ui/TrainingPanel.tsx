/** Training settings, Train / Pause / Resume / Stop, progress with time left, and the live charts. */
import type { ReactNode } from 'react';
import { METHOD_INFO } from '../core/methods/catalog.ts';
import type { TrainConfig } from '../worker/protocol.ts';
import { useAppState, useController } from './context.ts';
import { ProgressBar } from './ProgressBar.tsx';
import { TrainingCharts } from './TrainingCharts.tsx';

function NumberField(props: {
  label: string;
  field: keyof TrainConfig;
  step?: number;
  min?: number;
  max?: number;
  hint?: ReactNode;
}) {
  const value = useAppState((s) => s.config[props.field]);
  const busy = useAppState((s) => s.status !== 'idle');
  const controller = useController();
  return (
    <label className="field">
      <span>{props.label}</span>
      <input
        type="number"
        name={props.field}
        value={String(value)}
        step={props.step ?? 1}
        min={props.min}
        max={props.max}
        disabled={busy}
        onChange={(e) => controller.updateConfig({ [props.field]: Number(e.target.value) })}
      />
    </label>
  );
}

export function TrainingPanel() {
  const status = useAppState((s) => s.status);
  const config = useAppState((s) => s.config);
  const progress = useAppState((s) => s.progress);
  const dataset = useAppState((s) => s.dataset);
  const epochsDone = useAppState((s) => s.epochs.length);
  const controller = useController();
  const idle = status === 'idle';
  return (
    <section className="panel" aria-labelledby="training-title">
      <h2 id="training-title">Training</h2>
      <div className="settings">
        <label className="field">
          <span>Method</span>
          <select
            value={config.method}
            disabled={!idle}
            onChange={(e) => controller.updateConfig({ method: e.target.value as TrainConfig['method'] })}
          >
            {Object.values(METHOD_INFO).map((m) => (
              <option key={m.name} value={m.name} title={m.description}>
                {m.label}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Split</span>
          <select value={config.split} disabled={!idle} onChange={(e) => controller.updateConfig({ split: e.target.value })}>
            {(dataset?.splits ?? []).map((s) => (
              <option key={s.name} value={s.name}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
        <NumberField label="Epochs" field="epochs" min={1} max={10000} />
        <NumberField label="Batch size" field="batchSize" min={1} />
        <NumberField label="Learning rate" field="learningRate" step={0.0001} min={0} />
        <NumberField label="Weight decay" field="weightDecay" step={0.00001} min={0} />
        <NumberField label="Hidden units" field="hiddenUnits" min={1} />
        <NumberField label="Seed" field="seed" />
        <NumberField label="Validation fraction" field="validationFraction" step={0.05} min={0} max={0.5} />
        <NumberField label="GZSL calibration γ" field="gamma" step={0.1} />
      </div>
      <div className="row buttons">
        <button type="button" className="primary" data-testid="train-button" disabled={!idle || !dataset} onClick={() => void controller.train()}>
          Train
        </button>
        {status === 'paused' ? (
          <button type="button" data-testid="resume-button" onClick={() => controller.resume()}>
            Resume
          </button>
        ) : (
          <button type="button" data-testid="pause-button" disabled={status !== 'running'} onClick={() => controller.pause()}>
            Pause
          </button>
        )}
        <button type="button" data-testid="stop-button" disabled={idle || status === 'stopping'} onClick={() => controller.stop()}>
          Stop
        </button>
        <span className="status" data-testid="training-status" data-epochs={epochsDone}>
          {status === 'idle' ? 'Ready' : status === 'paused' ? 'Paused' : status === 'stopping' ? 'Stopping…' : 'Training…'}
        </span>
      </div>
      <ProgressBar progress={progress} testId="training-progress" />
      <TrainingCharts />
    </section>
  );
}
