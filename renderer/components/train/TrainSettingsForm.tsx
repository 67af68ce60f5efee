import { useState, type ReactNode } from 'react';
import { applyPreset, BACKENDS, ENCODERS, OPTIMIZERS, PRESETS, type TrainSettings } from '../../state/train-settings';

interface Props {
  settings: TrainSettings;
  disabled: boolean;
  onChange(s: TrainSettings): void;
}

function Field({ label, hint, children }: { label: string; hint?: string; children: ReactNode }) {
  return (
    <label className="field">
      <span className="field-label">{label}</span>
      {children}
      {hint && <span className="field-hint">{hint}</span>}
    </label>
  );
}

/**
 * A number input that lets the user type freely (empty, "0.") and only commits values in range;
 * `optional` fields commit null when emptied, meaning "the trainer's default".
 */
function NumberInput({ value, min, max, step, optional, placeholder, disabled, testId, onCommit }: {
  value: number | null;
  min: number;
  max: number;
  step?: number;
  optional?: boolean;
  placeholder?: string;
  disabled: boolean;
  testId: string;
  onCommit(v: number | null): void;
}) {
  const [text, setText] = useState<string | null>(null);
  const shown = text ?? (value === null ? '' : String(value));
  const valid = (t: string): boolean => (t.trim() === '' ? !!optional : Number.isFinite(Number(t)) && Number(t) >= min && Number(t) <= max);
  return (
    <input
      type="number"
      inputMode="decimal"
      className={valid(shown) ? '' : 'invalid'}
      value={shown}
      min={min}
      max={max}
      step={step ?? 1}
      placeholder={placeholder}
      disabled={disabled}
      data-testid={testId}
      onChange={(e) => {
        const t = e.target.value;
        setText(t);
        if (valid(t)) onCommit(t.trim() === '' ? null : Number(t));
      }}
      onBlur={() => setText(null)}
    />
  );
}

const BACKEND_LABEL: Record<string, string> = { auto: 'Automatic (fastest available)', 'tensorflow-gpu': 'TensorFlow GPU', tensorflow: 'TensorFlow CPU', wasm: 'wasm (trainable)', cpu: 'cpu (pure JS, slow)' };

/** Training settings: a preset to start from, then every field editable. Locked while a run is active. */
export function TrainSettingsForm({ settings: s, disabled, onChange }: Props) {
  const edit = (patch: Partial<TrainSettings>): void => onChange({ ...s, ...patch, presetId: 'custom' });
  const preset = PRESETS.find((p) => p.id === s.presetId);
  return (
    <form className="train-settings" data-testid="train-settings" onSubmit={(e) => e.preventDefault()}>
      <h2>Settings</h2>
      <Field label="Preset" hint={preset?.description ?? 'Edited from a preset; pick one to start over.'}>
        <select value={s.presetId} disabled={disabled} data-testid="train-preset" onChange={(e) => onChange(applyPreset(e.target.value))}>
          {PRESETS.map((p) => (
            <option key={p.id} value={p.id}>
              {p.label}
            </option>
          ))}
          {!preset && <option value="custom">Custom</option>}
        </select>
      </Field>
      <div className="field-row">
        <Field label="Encoder">
          <select value={s.preset} disabled={disabled} data-testid="train-encoder" onChange={(e) => edit({ preset: e.target.value as TrainSettings['preset'] })}>
            {ENCODERS.map((v) => (
              <option key={v} value={v}>
                {v === 'small' ? 'Small CNN' : 'ResNet-18'}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Image size (px)">
          <NumberInput value={s.imageSize} min={16} max={512} step={8} disabled={disabled} testId="train-image-size" onCommit={(v) => edit({ imageSize: v ?? s.imageSize })} />
        </Field>
      </div>
      <div className="field-row">
        <Field label="Batch">
          <NumberInput value={s.batchSize} min={2} max={8192} disabled={disabled} testId="train-batch" onCommit={(v) => edit({ batchSize: v ?? s.batchSize })} />
        </Field>
        <Field label="Epochs">
          <NumberInput value={s.epochs} min={1} max={100000} disabled={disabled} testId="train-epochs" onCommit={(v) => edit({ epochs: v ?? s.epochs })} />
        </Field>
      </div>
      <div className="field-row">
        <Field label="Time limit (min)">
          <NumberInput value={s.minutes} min={0.1} max={100000} step={0.5} optional placeholder="none" disabled={disabled} testId="train-minutes" onCommit={(v) => edit({ minutes: v })} />
        </Field>
        <Field label="Seed">
          <NumberInput value={s.seed} min={-(2 ** 31)} max={2 ** 31 - 1} disabled={disabled} testId="train-seed" onCommit={(v) => edit({ seed: v ?? 0 })} />
        </Field>
      </div>
      <div className="field-row">
        <Field label="Optimizer">
          <select value={s.optimizer} disabled={disabled} data-testid="train-optimizer" onChange={(e) => edit({ optimizer: e.target.value as TrainSettings['optimizer'] })}>
            {OPTIMIZERS.map((v) => (
              <option key={v} value={v}>
                {v === 'lars' ? 'LARS' : v === 'sgd' ? 'SGD' : 'Adam'}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Learning rate">
          <NumberInput value={s.lr} min={1e-8} max={100} step={0.0001} optional placeholder="default" disabled={disabled} testId="train-lr-input" onCommit={(v) => edit({ lr: v })} />
        </Field>
      </div>
      <Field label="Live map (every N epochs)" hint="Re-project the Map tab every N epochs while training, in place (0 = off).">
        <NumberInput value={s.liveMapEvery} min={0} max={100000} disabled={disabled} testId="train-live-map" onCommit={(v) => edit({ liveMapEvery: v ?? 0 })} />
      </Field>
      <Field label="Colour jitter" hint="The paper's strong colour jitter pays off over long runs; the light one learns faster in a short CPU budget.">
        <select value={s.colorJitter} disabled={disabled} data-testid="train-color-jitter" onChange={(e) => edit({ colorJitter: e.target.value as TrainSettings['colorJitter'] })}>
          <option value="paper">Paper (strong)</option>
          <option value="light">Light (short runs)</option>
        </select>
      </Field>
      <Field label="Backend">
        <select value={s.backend} disabled={disabled} data-testid="train-backend" onChange={(e) => edit({ backend: e.target.value as TrainSettings['backend'] })}>
          {BACKENDS.map((v) => (
            <option key={v} value={v}>
              {BACKEND_LABEL[v]}
            </option>
          ))}
        </select>
      </Field>
      <p className="field-hint">Training stops at whichever comes first: the epochs or the time limit. Settings are remembered for next time.</p>
    </form>
  );
}
