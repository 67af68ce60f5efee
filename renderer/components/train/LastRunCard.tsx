import type { LastRun } from '../../../preload/contract';
import { formatCount, formatDuration, formatRate, timeAgo } from '../../format';

const PRESET: Record<string, string> = { small: 'Small CNN', resnet18: 'ResNet-18' };

/**
 * How the run ended, in the user's words. The card shows only while no run is active here,
 * so a store row still saying 'running' was cut short (a crash, a closed app, a killed CLI).
 */
function outcome(run: LastRun): { label: string; tone: string } {
  if (!run.resumable) return { label: 'Finished', tone: 'done' };
  if (run.status === 'running') return { label: 'Interrupted', tone: 'paused' };
  if (run.status === 'failed') return { label: 'Failed', tone: 'error' };
  if (run.stopReason === 'time-budget') return { label: 'Time limit reached', tone: 'paused' };
  return { label: 'Stopped early', tone: 'paused' };
}

/**
 * The project's latest checkpoint, which may come from the CLI, an earlier session or a run
 * cut short: what it trained, how far it got, and what Start and Continue will do with it.
 */
export function LastRunCard({ run }: { run: LastRun }) {
  const o = outcome(run);
  const saved = Date.parse(run.savedAt);
  const details = [
    `${PRESET[run.preset] ?? run.preset} at ${run.imageSize} px`,
    `batch ${formatCount(run.batchSize)}`,
    run.backend && (run.imagesPerSecond ? `${run.backend}, ${formatRate(run.imagesPerSecond)}` : run.backend),
  ].filter(Boolean);
  return (
    <section className="last-run" data-testid="last-run" data-resumable={run.resumable} data-steps={run.steps}>
      <header className="last-run-head">
        <h3>Last run</h3>
        <span className={`phase-pill ${o.tone}`} data-testid="last-run-outcome">{o.label}</span>
        {Number.isFinite(saved) && (
          <span className="muted small" title={new Date(saved).toLocaleString()}>
            checkpoint saved {timeAgo(saved)}
          </span>
        )}
      </header>
      <p className="last-run-line" data-testid="last-run-summary">
        {formatCount(run.steps)} of {formatCount(run.totalSteps)} steps · {run.epochs.toFixed(1)} epochs · {formatDuration(run.trainedSeconds)} of training
        {run.lastLoss !== null && ` · last loss ${run.lastLoss.toFixed(3)}`}
      </p>
      <p className="muted small">{details.join(' · ')}</p>
      <p className="muted small">
        {run.resumable
          ? 'Continue last run picks it up from its checkpoint with its own settings; Start training begins a new run.'
          : 'Its embeddings are what the Map tab shows. Start training begins a new run, whose first checkpoint replaces this one.'}
      </p>
    </section>
  );
}
