import { useState } from 'react';
import type { BackendInfo } from '../../state/train-store';
import { Icon } from '../Icon';

const LABEL: Record<string, string> = {
  'tensorflow-gpu': 'TensorFlow GPU',
  tensorflow: 'TensorFlow CPU',
  wasm: 'wasm',
  cpu: 'cpu (slow)',
};

/** Colour class by speed: native GPU best, the pure-JS cpu backend a warning. */
const tone = (i: BackendInfo): string => (i.warning || i.backend === 'cpu' ? 'slow' : i.backend === 'tensorflow-gpu' ? 'gpu' : 'ok');

/** Which backend trains, with a popover (hover, focus or click) saying why each other one was not used. */
export function BackendBadge({ info }: { info: BackendInfo | null }) {
  const [pinned, setPinned] = useState(false);
  const [hover, setHover] = useState(false);
  if (!info) {
    return (
      <span className="backend-badge pending" data-testid="backend-badge" data-backend="">
        <span className="dot" />
        Backend chosen at start
      </span>
    );
  }
  const open = pinned || hover;
  return (
    <span className="backend-wrap" onMouseEnter={() => setHover(true)} onMouseLeave={() => setHover(false)}>
      <button
        className={`backend-badge ${tone(info)}`}
        data-testid="backend-badge"
        data-backend={info.backend}
        aria-expanded={open}
        onClick={() => setPinned((p) => !p)}
        onFocus={() => setHover(true)}
        onBlur={() => setHover(false)}
      >
        <span className="dot" />
        {LABEL[info.backend] ?? info.backend}
        {info.threads > 1 && <span className="threads">{`× ${info.threads} threads`}</span>}
        <Icon name="info" size={14} />
      </button>
      {open && (
        <div className="backend-pop" role="tooltip" data-testid="backend-reasons">
          <p className="pop-title">
            Training on <b>{LABEL[info.backend] ?? info.backend}</b>
          </p>
          {info.rejected.length === 0 ? (
            <p className="muted small">It was the backend you asked for.</p>
          ) : (
            <ul>
              {info.rejected.map((r) => (
                <li key={r.backend}>
                  <span className="pop-backend">{LABEL[r.backend] ?? r.backend}</span>
                  <span className="pop-reason">{r.reason}</span>
                </li>
              ))}
            </ul>
          )}
          {(info.warning || info.backend === 'cpu') && <p className="pop-warn small">{info.warning ?? 'The pure-JS cpu backend is very slow: expect minutes per step.'}</p>}
        </div>
      )}
    </span>
  );
}
