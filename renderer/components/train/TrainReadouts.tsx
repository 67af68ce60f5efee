import type { ReactNode } from 'react';
import { formatCount, formatDuration, formatRate } from '../../format';
import type { TrainPoint } from '../../state/train-store';
import { ProgressBar } from '../ProgressBar';

const sci = (v: number): string => (!Number.isFinite(v) ? '—' : v === 0 ? '0' : Math.abs(v) < 1e-2 ? v.toExponential(2) : v.toPrecision(3));

function Figure({ label, value, testId, title }: { label: ReactNode; value: string; testId: string; title?: string }) {
  return (
    <div className="figure" title={title}>
      <dt>{label}</dt>
      <dd data-testid={testId}>{value}</dd>
    </div>
  );
}

/** The run's numbers at a glance and its progress bar (by step, the finest unit the trainer reports). */
export function TrainReadouts({ p, active, elapsedSeconds, minutes }: { p: TrainPoint | null; active: boolean; elapsedSeconds: number | null; minutes: number | null }) {
  const pct = p && p.totalSteps > 0 ? Math.min(100, (100 * p.step) / p.totalSteps) : 0;
  return (
    <section className="readouts" data-testid="train-readouts">
      <div className="readout-progress">
        <span className="big-number" data-testid="train-percent">
          {p ? `${Math.floor(pct)}%` : '—'}
        </span>
        <div className="readout-bar">
          <ProgressBar done={p?.step ?? 0} total={p?.totalSteps ?? 0} />
          <span className="muted small">
            {p ? `step ${formatCount(p.step)} of ${formatCount(p.totalSteps)}` : 'Not started'}
            {elapsedSeconds !== null && ` · ${formatDuration(elapsedSeconds)} elapsed`}
            {minutes !== null && ` · budget ${minutes} min`}
          </span>
        </div>
      </div>
      <dl className="figures">
        <Figure label="Epoch" value={p ? `${p.epoch} / ${p.epochs}` : '—'} testId="train-epoch" />
        <Figure label="Step" value={p ? formatCount(p.step) : '—'} testId="train-step" />
        <Figure label="Loss" value={p ? sci(p.loss) : '—'} testId="train-loss" title="2 − 2·cos, summed over both views: 0 best, 8 worst" />
        <Figure label="Speed" value={p ? formatRate(p.imagesPerSecond) : '—'} testId="train-speed" />
        <Figure label="Time left" value={p && active ? formatDuration(p.etaSeconds) : '—'} testId="train-eta" />
        <Figure label="Learning rate" value={p ? sci(p.lr) : '—'} testId="train-lr" />
        <Figure label={
            <>
              EMA <span className="nocase">τ</span>
            </>
          } value={p ? (Number.isFinite(p.tau) ? p.tau.toFixed(4) : '—') : '—'} testId="train-tau" title="Target network momentum: rises to 1 on a cosine schedule" />
      </dl>
    </section>
  );
}
