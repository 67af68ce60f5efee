import { ProgressBar } from '../components/ProgressBar';
import { formatCount, formatDuration, formatRate, splitPath } from '../format';
import { cancelIngest } from '../state/actions';
import { useApp } from '../state/app-store';

/** Shown while a folder is being ingested: done/total, rate, ETA, the job's message, Cancel. */
export function IngestScreen() {
  const ingest = useApp((s) => s.ingest)!;
  const p = ingest.progress;
  const known = !!p && p.total > 0;
  const pct = known ? Math.floor((100 * p.done) / p.total) : 0;
  return (
    <main className="ingest" data-testid="ingest-progress" data-done={p?.done ?? 0} data-total={p?.total ?? 0}>
      <div className="card ingest-card">
        <p className="eyebrow">Reading images</p>
        <h1 title={ingest.folder}>{splitPath(ingest.folder).name || ingest.folder}</h1>
        <p className="muted path">{ingest.folder}</p>
        <div className="ingest-figures">
          <span className={`big-number ${known ? '' : 'pending'}`}>{`${pct}%`}</span>
          <span className="muted">{known ? `${formatCount(p.done)} of ${formatCount(p.total)} files` : 'Looking for images…'}</span>
        </div>
        <ProgressBar done={p?.done ?? 0} total={p?.total ?? 0} indeterminate={!known} />
        <dl className="stats">
          <div>
            <dt>Rate</dt>
            <dd data-testid="ingest-rate">{p ? formatRate(p.rate) : '—'}</dd>
          </div>
          <div>
            <dt>Time left</dt>
            <dd>{p ? formatDuration(p.etaSeconds) : '—'}</dd>
          </div>
          <div>
            <dt>Elapsed</dt>
            <dd>{formatDuration((Date.now() - ingest.startedAt) / 1000)}</dd>
          </div>
        </dl>
        <p className="ingest-message" title={p?.message}>
          {p?.message || ' '}
        </p>
        <div className="actions">
          <button className="btn danger" onClick={() => void cancelIngest()} disabled={!ingest.jobId || ingest.cancelling} data-testid="ingest-cancel">
            {ingest.cancelling ? 'Cancelling…' : 'Cancel'}
          </button>
        </div>
      </div>
    </main>
  );
}
