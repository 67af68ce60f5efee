import type { ReactNode } from 'react';
import { api } from '../api/client';
import { Icon } from '../components/Icon';
import { ProgressBar } from '../components/ProgressBar';
import type { RunningJob } from '../state/review-store';
import { useFocusImage } from './focus-context';

/** A thumbnail that opens its image on the map (selects, inspects, flies). */
export function Thumb({ id, title, badge, className = '' }: { id: number; title: string; badge?: ReactNode; className?: string }) {
  const focusImage = useFocusImage();
  return (
    <button type="button" className={`review-thumb ${className}`} title={title} aria-label={`Show ${title} on the map`} data-testid="review-thumb" data-id={id} onClick={() => focusImage(id)}>
      <img src={api.thumbUrl(id, 'small')} alt="" loading="lazy" draggable={false} />
      {badge}
    </button>
  );
}

/** Progress of a running job, with its message and a cancel button. */
export function JobLine({ job, label, onCancel, testId }: { job: RunningJob; label: string; onCancel?: () => void; testId: string }) {
  const p = job.progress;
  return (
    <div className="review-job" data-testid={testId} role="status">
      <div className="review-job-text">
        <span className="review-spinner" aria-hidden="true" />
        <span>{p?.message && p.message !== 'done' ? p.message : `${label}…`}</span>
        {onCancel && job.jobId && (
          <button type="button" className="review-link" onClick={onCancel}>Cancel</button>
        )}
      </div>
      <ProgressBar done={p?.done ?? 0} total={p?.total ?? 0} indeterminate={!p || p.total <= 1} />
    </div>
  );
}

/** A failed call's message, where the user was looking. */
export function ErrorNote({ message, testId }: { message: string | null; testId: string }) {
  if (!message) return null;
  return (
    <div className="review-error" role="alert" data-testid={testId}>
      <Icon name="alert" size={16} />
      <span>{message}</span>
    </div>
  );
}

export function Section({ title, aside, children, testId }: { title: string; aside?: ReactNode; children: ReactNode; testId?: string }) {
  return (
    <section className="review-section" data-testid={testId} aria-label={title}>
      <header className="review-section-head">
        <h3>{title}</h3>
        {aside}
      </header>
      {children}
    </section>
  );
}
