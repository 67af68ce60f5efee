import { dismissToast, useApp } from '../state/app-store';
import { Icon } from './Icon';

/** Errors and notices from calls and jobs, newest last, each dismissable. */
export function Toasts() {
  const toasts = useApp((s) => s.toasts);
  return (
    <div className="toasts" aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} className={`toast toast-${t.kind}`} role={t.kind === 'error' ? 'alert' : 'status'} data-testid={`toast-${t.kind}`}>
          <Icon name={t.kind === 'error' ? 'alert' : 'info'} />
          <p>{t.message}</p>
          <button className="icon-btn" onClick={() => dismissToast(t.id)} aria-label="Dismiss">
            <Icon name="close" size={16} />
          </button>
        </div>
      ))}
    </div>
  );
}
