import { tildePath, timeAgo } from '../format';
import { openRecent } from '../state/actions';
import { useApp } from '../state/app-store';
import { Icon } from './Icon';

/** Projects opened before, newest first; one click reopens. */
export function RecentList() {
  const recent = useApp((s) => s.recent);
  const home = useApp((s) => s.info?.home);
  return (
    <section className="recent" data-testid="recent">
      <h3>Recent projects</h3>
      {recent.length === 0 ? (
        <p className="muted empty">Nothing yet. Projects you open show up here.</p>
      ) : (
        <ul>
          {recent.map((r) => (
            <li key={r.dir}>
              <button onClick={() => void openRecent(r.dir)} title={r.dir}>
                <span className="recent-icon">
                  <Icon name="layers" />
                </span>
                <span className="recent-text">
                  <span className="recent-name">{r.name}</span>
                  <span className="recent-dir">
                    <bdi>{tildePath(r.dir, home)}</bdi>
                  </span>
                </span>
                <span className="recent-when">{timeAgo(r.openedAt)}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
