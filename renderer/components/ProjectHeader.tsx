import type { ProjectInfo } from '../../preload/contract';
import { formatCount, tildePath } from '../format';
import { closeProject, openFolder, startIngest } from '../state/actions';
import { useApp } from '../state/app-store';
import { Icon } from './Icon';

function Stat({ label, value, testId }: { label: string; value: number; testId: string }) {
  return (
    <div className="stat" data-testid={testId} data-value={value}>
      <span className="stat-value">{formatCount(value)}</span>
      <span className="stat-label">{label}</span>
    </div>
  );
}

export function ProjectHeader({ project }: { project: ProjectInfo }) {
  const skippedOpen = useApp((s) => s.skippedOpen && s.tab === 'images');
  const home = useApp((s) => s.info?.home);
  return (
    <header className="project-header">
      <button className="icon-btn home" onClick={closeProject} title="All projects" aria-label="All projects">
        <Icon name="layers" />
      </button>
      <div className="project-title">
        <h1 data-testid="project-name">{project.name}</h1>
        {project.sourceFolder && (
          <p className="muted path" title={project.sourceFolder} data-testid="project-folder">
            {tildePath(project.sourceFolder, home)}
          </p>
        )}
      </div>
      <div className="stats-row">
        <Stat label={project.images === 1 ? 'image' : 'images'} value={project.images} testId="count-images" />
        <Stat label={project.duplicates === 1 ? 'duplicate' : 'duplicates'} value={project.duplicates} testId="count-duplicates" />
        <button
          className={`btn skipped-btn ${skippedOpen ? 'active' : ''}`}
          onClick={() => useApp.setState((s) => (s.tab === 'images' ? { skippedOpen: !s.skippedOpen } : { tab: 'images', skippedOpen: true }))}
          data-testid="skipped-toggle"
          aria-pressed={skippedOpen}
        >
          Skipped
          <span className={`badge ${project.skipped > 0 ? 'warn' : ''}`} data-testid="count-skipped" data-value={project.skipped}>
            {formatCount(project.skipped)}
          </span>
        </button>
      </div>
      <div className="header-actions">
        {project.sourceFolder && (
          <button className="btn" onClick={() => void startIngest(project.sourceFolder!)} title="Read the folder again; unchanged files are kept">
            <Icon name="refresh" size={16} />
            Rescan
          </button>
        )}
        <button className="btn" onClick={() => void openFolder()} title="Open another folder (Ctrl/Cmd+O)">
          <Icon name="folderOpen" size={16} />
          Open…
        </button>
        <button className="icon-btn" onClick={() => useApp.setState({ helpOpen: true })} title="Keyboard shortcuts (?)" aria-label="Keyboard shortcuts">
          <Icon name="keyboard" />
        </button>
      </div>
    </header>
  );
}
