import { useApp, type ProjectTab } from '../state/app-store';
import { isActive, useTrain } from '../state/train-store';
import { Icon, type IconName } from './Icon';

export const TABS: { id: ProjectTab; label: string; icon: IconName; key: string }[] = [
  { id: 'images', label: 'Images', icon: 'grid', key: 'i' },
  { id: 'train', label: 'Train', icon: 'activity', key: 't' },
  { id: 'map', label: 'Map', icon: 'cube', key: 'm' },
];

export const setTab = (tab: ProjectTab): void => useApp.setState({ tab });

/** The project's sections as a vertical rail; a live dot on Train shows a run from any tab. */
export function ProjectTabs() {
  const tab = useApp((s) => s.tab);
  const training = useTrain((s) => isActive(s.phase));
  const paused = useTrain((s) => s.phase === 'paused');
  return (
    <nav className="tab-rail" role="tablist" aria-orientation="vertical" aria-label="Project sections">
      {TABS.map((t) => (
        <button
          key={t.id}
          role="tab"
          aria-selected={tab === t.id}
          className={`tab ${tab === t.id ? 'active' : ''}`}
          onClick={() => setTab(t.id)}
          data-testid={`tab-${t.id}`}
          title={`${t.label} (G then ${t.key.toUpperCase()})`}
        >
          <Icon name={t.icon} size={20} />
          <span>{t.label}</span>
          {t.id === 'train' && training && <i className={`tab-live ${paused ? 'paused' : ''}`} aria-label={paused ? 'paused' : 'training'} />}
        </button>
      ))}
    </nav>
  );
}
