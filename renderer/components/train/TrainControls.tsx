import type { TrainPhase } from '../../state/train-store';
import { isActive } from '../../state/train-store';

interface Props {
  phase: TrainPhase;
  canResume: boolean;
  onContinue(): void;
  onStart(): void;
  onPause(): void;
  onResume(): void;
  onStop(): void;
}

/** Start / Pause / Resume / Stop, each labelled with its key (active on the Train tab). */
export function TrainControls({ phase, canResume, onContinue, onStart, onPause, onResume, onStop }: Props) {
  const active = isActive(phase);
  const busy = phase === 'starting' || phase === 'pausing' || phase === 'resuming' || phase === 'stopping';
  return (
    <div className="train-controls">
      {!active && canResume && (
        <button className="btn" onClick={onContinue} data-testid="train-continue" title="Continue the last run from its checkpoint, with its settings">
          Continue last run
        </button>
      )}
      {!active ? (
        <button className="btn primary" onClick={onStart} data-testid="train-start" title="Start training (S)">
          <svg width="14" height="14" viewBox="0 0 24 24" aria-hidden="true">
            <path d="M7 4.5v15l13-7.5z" fill="currentColor" />
          </svg>
          {phase === 'done' || phase === 'stopped' ? 'Train again' : 'Start training'}
          <kbd>S</kbd>
        </button>
      ) : phase === 'paused' || phase === 'resuming' ? (
        <button className="btn primary" onClick={onResume} disabled={busy} data-testid="train-resume" title="Resume (P)">
          <svg width="14" height="14" viewBox="0 0 24 24" aria-hidden="true">
            <path d="M7 4.5v15l13-7.5z" fill="currentColor" />
          </svg>
          {phase === 'resuming' ? 'Resuming…' : 'Resume'}
          <kbd>P</kbd>
        </button>
      ) : (
        <button className="btn" onClick={onPause} disabled={busy} data-testid="train-pause" title="Pause (P)">
          <svg width="14" height="14" viewBox="0 0 24 24" aria-hidden="true">
            <path d="M7 5h3.5v14H7zM13.5 5H17v14h-3.5z" fill="currentColor" />
          </svg>
          {phase === 'starting' ? 'Starting…' : phase === 'pausing' ? 'Pausing…' : 'Pause'}
          <kbd>P</kbd>
        </button>
      )}
      <button className="btn danger" onClick={onStop} disabled={!active || phase === 'stopping'} data-testid="train-stop" title="Stop; the last checkpoint is kept (X)">
        <svg width="12" height="12" viewBox="0 0 24 24" aria-hidden="true">
          <rect x="5" y="5" width="14" height="14" rx="2" fill="currentColor" />
        </svg>
        {phase === 'stopping' ? 'Stopping…' : 'Stop'}
        <kbd>X</kbd>
      </button>
    </div>
  );
}
