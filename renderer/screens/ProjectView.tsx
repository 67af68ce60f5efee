import { useEffect } from 'react';
import type { ProjectInfo } from '../../preload/contract';
import { ProjectHeader } from '../components/ProjectHeader';
import { ProjectTabs } from '../components/ProjectTabs';
import { warmUpMap } from '../map/warm-up';
import { useApp } from '../state/app-store';
import { ImagesTab } from './ImagesTab';
import { MapScreen } from './MapScreen';
import { TrainTab } from './TrainTab';

/** The open project: header with counts, the section rail, and the selected tab. */
export function ProjectView({ project }: { project: ProjectInfo }) {
  const tab = useApp((s) => s.tab);
  useEffect(() => warmUpMap(), []);
  return (
    <main className="project" data-testid="project-view" data-tab={tab}>
      <ProjectHeader project={project} />
      <div className="project-main">
        <ProjectTabs />
        <div className="tab-content" role="tabpanel" aria-label={tab}>
          {tab === 'images' ? <ImagesTab project={project} /> : tab === 'train' ? <TrainTab /> : <MapScreen />}
        </div>
      </div>
    </main>
  );
}
