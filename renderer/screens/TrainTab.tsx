import { useEffect, useMemo, useState } from 'react';
import { LineChart, type Guide, type Series } from '../components/charts/LineChart';
import { BackendBadge } from '../components/train/BackendBadge';
import { CollapseBanner } from '../components/train/CollapseBanner';
import { LastRunCard } from '../components/train/LastRunCard';
import { TrainControls } from '../components/train/TrainControls';
import { TrainReadouts } from '../components/train/TrainReadouts';
import { TrainSettingsForm } from '../components/train/TrainSettingsForm';
import { pauseTraining, refreshLastRun, resumeTraining, startTraining, stopTraining } from '../state/train-actions';
import { isActive, latestPoint, setSettings, useTrain, type TrainPhase } from '../state/train-store';

const PHASE_LABEL: Record<TrainPhase, string> = {
  idle: 'Ready',
  starting: 'Starting…',
  running: 'Training',
  pausing: 'Pausing…',
  paused: 'Paused',
  resuming: 'Resuming…',
  stopping: 'Stopping…',
  done: 'Finished',
  stopped: 'Stopped',
  error: 'Failed',
};

// Collapse thresholds of main/engine/recipe/collapse.ts DEFAULT_COLLAPSE_THRESHOLDS, mirrored by value.
const STD_GUIDES: Guide[] = [
  { y: 1, label: 'healthy', color: 'rgba(82, 214, 154, 0.55)' },
  { y: 0.1, label: 'collapse', color: 'rgba(255, 107, 122, 0.7)', shade: 'below' },
];
const COS_GUIDES: Guide[] = [
  { y: 0.95, label: 'collapse', color: 'rgba(255, 107, 122, 0.7)', shade: 'above' },
  { y: 0, label: 'spread', color: 'rgba(82, 214, 154, 0.55)' },
];

/**
 * The trainer measures collapse every few dozen steps and repeats the last measurement in
 * each progress report; keep only the reports where it changed, so the chart shows real samples.
 */
function fresh(values: number[]): number[] {
  return values.map((v, i) => (i > 0 && v === values[i - 1] ? NaN : v));
}

/** Ticks once a second while a run is active so "elapsed" advances between reports. */
function useNow(active: boolean): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [active]);
  return now;
}

/** The Train tab: settings on the left; controls, readouts, the collapse banner and live charts on the right. */
export function TrainTab() {
  const phase = useTrain((s) => s.phase);
  const settings = useTrain((s) => s.settings);
  const backend = useTrain((s) => s.backend);
  const points = useTrain((s) => s.points);
  const warning = useTrain((s) => s.warning);
  const error = useTrain((s) => s.error);
  const startedAt = useTrain((s) => s.startedAt);
  const lastNote = useTrain((s) => s.notes[s.notes.length - 1] ?? null);
  const p = useTrain(latestPoint);
  const canResume = useTrain((s) => s.canResume);
  const lastRun = useTrain((s) => s.lastRun);
  const active = isActive(phase);
  // Re-read the checkpoint whenever the panel opens or a run ends here: it may also have
  // changed elsewhere (a CLI run, another window). The Continue button follows it.
  useEffect(() => {
    if (!active) void refreshLastRun();
  }, [active]);
  const now = useNow(active && phase !== 'paused');

  const charts = useMemo(() => {
    const x = points.map((q) => q.step);
    const loss: Series[] = [
      { name: 'step', color: 'rgba(125, 155, 255, 0.35)', values: points.map((q) => q.loss) },
      { name: 'average', color: '#7d9bff', values: points.map((q) => q.lossAvg) },
    ];
    const std: Series[] = [{ name: 'std ratio', color: '#a98bff', values: fresh(points.map((q) => q.stdRatio)), connect: true }];
    const cos: Series[] = [{ name: 'pair cosine', color: '#f4b860', values: fresh(points.map((q) => q.pairCosine)), connect: true }];
    return { x, loss, std, cos };
  }, [points]);

  return (
    <section className="train-tab" data-testid="train-panel" data-phase={phase}>
      <aside className="train-side">
        <TrainSettingsForm settings={settings} disabled={active} onChange={setSettings} />
      </aside>
      <div className="train-main">
        <header className="train-top">
          <div className="train-status">
            <span className={`phase-pill ${phase}`} data-testid="train-phase">
              {PHASE_LABEL[phase]}
            </span>
            <BackendBadge info={backend} />
            {lastNote && active && (
              <span className="train-note" title={lastNote} data-testid="train-note">
                {lastNote}
              </span>
            )}
          </div>
          <TrainControls phase={phase} canResume={canResume} onContinue={() => void startTraining(true)} onStart={() => void startTraining()} onPause={() => void pauseTraining()} onResume={() => void resumeTraining()} onStop={() => void stopTraining()} />
        </header>
        {warning && <CollapseBanner warning={warning} />}
        {error && phase === 'error' && (
          <div className="train-error" role="alert" data-testid="train-error">
            {error}
          </div>
        )}
        {!active && lastRun && <LastRunCard run={lastRun} />}
        <TrainReadouts p={p} active={active} elapsedSeconds={startedAt && active ? (now - startedAt) / 1000 : null} minutes={settings.minutes} />
        <div className="chart-card wide">
          <LineChart title="BYOL loss" x={charts.x} series={charts.loss} height={280} testId="loss-chart" empty={active ? 'Waiting for the first step…' : 'Start training to see the loss fall.'} />
        </div>
        <div className="chart-pair">
          <div className="chart-card">
            <LineChart title="Collapse: std ratio (→ 0 is collapse)" x={charts.x} series={charts.std} guides={STD_GUIDES} yDomain={{ min: 0, max: 1.2 }} height={200} testId="std-chart" empty="Per-dimension spread of the projections" />
          </div>
          <div className="chart-card">
            <LineChart title="Collapse: mean pair cosine (→ 1 is collapse)" x={charts.x} series={charts.cos} guides={COS_GUIDES} yDomain={{ min: -0.2, max: 1.05 }} height={200} testId="cos-chart" empty="Similarity of random pairs of images" />
          </div>
        </div>
      </div>
    </section>
  );
}
