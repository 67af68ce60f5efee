interface Props {
  done: number;
  total: number;
  /** No total yet (still scanning): an animated bar instead of a fraction. */
  indeterminate?: boolean;
}

export function ProgressBar({ done, total, indeterminate }: Props) {
  const pct = total > 0 ? Math.min(100, (100 * done) / total) : 0;
  return (
    <div
      className={`progress ${indeterminate ? 'indeterminate' : ''}`}
      role="progressbar"
      aria-valuemin={0}
      aria-valuemax={total || undefined}
      aria-valuenow={indeterminate ? undefined : done}
      data-testid="progress-bar"
    >
      <div className="progress-fill" style={indeterminate ? undefined : { width: `${pct}%` }} />
    </div>
  );
}
