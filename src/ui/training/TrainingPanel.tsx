/** Method and settings (built from the catalog's table), Train / Pause / Resume / Stop, progress and live charts. */
import { protocolSemantics, SEMANTICS_CHOICES, type SemanticsChoice } from '../../core/data/class-semantics.ts';
import { METHOD_INFO, METHOD_NAMES, type MethodName, type ParamSpec } from '../../core/methods/catalog.ts';
import type { TrainConfig } from '../../worker/protocol.ts';
import { useAppState, useController } from '../context.ts';
import { ProgressBar } from '../shared/ProgressBar.tsx';
import { TrainingCharts } from './TrainingCharts.tsx';

function ParamField({ spec, disabled }: { spec: ParamSpec; disabled: boolean }) {
  const value = useAppState((s) => s.config.params[spec.key] ?? spec.default);
  const tuned = useAppState((s) => s.config.tune.includes(spec.key));
  const controller = useController();
  return (
    <label className="field" title={spec.help}>
      <span>
        {spec.label}
        {spec.grid && (
          <span className="tune" title={`Try ${spec.grid.join(', ')} on held-out seen classes and keep the best`}>
            {' '}
            <input
              type="checkbox"
              name={`tune-${spec.key}`}
              checked={tuned}
              disabled={disabled}
              onChange={(e) => controller.setTuned(spec.key, e.target.checked)}
            />{' '}
            search
          </span>
        )}
      </span>
      {spec.kind === 'choice' ? (
        <select name={spec.key} value={String(value)} disabled={disabled} onChange={(e) => controller.updateParam(spec.key, e.target.value)}>
          {Object.entries(spec.choices!).map(([key, text]) => (
            <option key={key} value={key}>
              {text}
            </option>
          ))}
        </select>
      ) : (
        <input
          type="number"
          name={spec.key}
          value={String(value)}
          min={spec.min}
          max={spec.max}
          step={spec.kind === 'int' ? 1 : 'any'}
          disabled={disabled || tuned}
          onChange={(e) => controller.updateParam(spec.key, Number(e.target.value))}
        />
      )}
    </label>
  );
}

function CommonFields({ config, disabled }: { config: TrainConfig; disabled: boolean }) {
  const controller = useController();
  const dataset = useAppState((s) => s.dataset);
  const trained = METHOD_INFO[config.method].family === 'trained';
  return (
    <>
      <label className="field">
        <span>Split</span>
        <select name="split" value={config.split} disabled={disabled} onChange={(e) => controller.updateConfig({ split: e.target.value })}>
          {(dataset?.splits ?? []).map((s) => (
            <option key={s.name} value={s.name} title={s.description}>
              {s.name}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Seed</span>
        <input type="number" name="seed" value={config.seed} step={1} disabled={disabled} onChange={(e) => controller.updateConfig({ seed: Number(e.target.value) })} />
      </label>
      <label className="field" title="The class × attribute matrix the method trains and is evaluated on. The published protocols use att for the classical methods and the z-scored continuous matrix for the seed.">
        <span>Class semantics</span>
        <select
          name="semantics"
          value={config.semantics}
          disabled={disabled}
          onChange={(e) => controller.updateConfig({ semantics: e.target.value as SemanticsChoice })}
        >
          {(Object.entries(SEMANTICS_CHOICES) as Array<[SemanticsChoice, string]>).map(([key, text]) => (
            <option key={key} value={key}>
              {key === 'protocol' ? `${text} (${protocolSemantics(config.method)})` : text}
            </option>
          ))}
        </select>
      </label>
      {trained && (
        <label className="field" title="Share of the seen training images held out for the validation curves (0 = none: the final model is fitted on every training image, as the benchmark protocol does; above 0 the results say how many were held out).">
          <span>Validation share</span>
          <input
            type="number"
            name="validationFraction"
            value={config.validationFraction}
            step={0.05}
            min={0}
            max={0.5}
            disabled={disabled}
            onChange={(e) => controller.updateConfig({ validationFraction: Number(e.target.value) })}
          />
        </label>
      )}
      <label className="field" title="Calibrated stacking subtracts γ from seen-class scores in GZSL, so unseen classes get a fair chance.">
        <span>GZSL calibration</span>
        <select
          name="calibration"
          value={config.calibration}
          disabled={disabled}
          onChange={(e) => controller.updateConfig({ calibration: e.target.value as TrainConfig['calibration'] })}
        >
          <option value="none">none</option>
          <option value="holdout">γ chosen on held-out seen classes</option>
          <option value="fixed">fixed γ</option>
        </select>
      </label>
      {config.calibration === 'fixed' && (
        <label className="field">
          <span>γ</span>
          <input type="number" name="gamma" value={config.gamma} step="any" disabled={disabled} onChange={(e) => controller.updateConfig({ gamma: Number(e.target.value) })} />
        </label>
      )}
    </>
  );
}

function InterruptedBanner() {
  const interrupted = useAppState((s) => s.interrupted);
  const idle = useAppState((s) => s.status === 'idle');
  const controller = useController();
  if (!interrupted) return null;
  const total = Number(interrupted.config.params.epochs);
  return (
    <div className="notice notice-info" data-testid="interrupted">
      <span>
        Training {METHOD_INFO[interrupted.config.method].label} was interrupted after epoch {interrupted.epoch} of {total} (
        {new Date(interrupted.savedAt).toLocaleString()}). It can continue from there.
      </span>
      <span>
        <button type="button" data-testid="resume-interrupted" disabled={!idle} onClick={() => void controller.train(true)}>
          Resume
        </button>{' '}
        <button type="button" disabled={!idle} onClick={() => void controller.discardInterrupted()}>
          Discard
        </button>
      </span>
    </div>
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
  const info = METHOD_INFO[config.method];
  return (
    <section className="panel" aria-labelledby="training-title">
      <h2 id="training-title">Training</h2>
      <InterruptedBanner />
      <div className="settings">
        <label className="field field-method">
          <span>Method</span>
          <select name="method" value={config.method} disabled={!idle} onChange={(e) => controller.setMethod(e.target.value as MethodName)}>
            {METHOD_NAMES.map((m) => (
              <option key={m} value={m} title={METHOD_INFO[m].description}>
                {METHOD_INFO[m].label}
              </option>
            ))}
          </select>
        </label>
        {info.params.map((spec) => (
          <ParamField key={`${config.method}-${spec.key}`} spec={spec} disabled={!idle} />
        ))}
        <CommonFields config={config} disabled={!idle} />
      </div>
      <p className="hint">{info.description}</p>
      <div className="row buttons">
        <button type="button" className="primary" data-testid="train-button" disabled={!idle || !dataset} onClick={() => void controller.train()}>
          {info.family === 'closed-form' ? 'Fit' : 'Train'}
        </button>
        {status === 'paused' ? (
          <button type="button" data-testid="resume-button" onClick={() => controller.resume()}>
            Resume
          </button>
        ) : (
          <button type="button" data-testid="pause-button" disabled={status !== 'running' || info.family !== 'trained'} onClick={() => controller.pause()}>
            Pause
          </button>
        )}
        <button type="button" data-testid="stop-button" disabled={idle || status === 'stopping'} onClick={() => controller.stop()}>
          Stop
        </button>
        <span className="status" data-testid="training-status" data-epochs={epochsDone}>
          {status === 'idle' ? 'Ready' : status === 'paused' ? 'Paused' : status === 'stopping' ? 'Stopping…' : 'Working…'}
        </span>
      </div>
      <ProgressBar progress={progress} testId="training-progress" />
      <TrainingCharts />
    </section>
  );
}
