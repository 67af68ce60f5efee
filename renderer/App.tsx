import { useEffect } from 'react';
import { client } from './api/client';
import { ConnectionBanner } from './components/ConnectionBanner';
import { FolderPicker } from './components/FolderPicker';
import { PreviewModal } from './components/PreviewModal';
import { ShortcutsHelp } from './components/ShortcutsHelp';
import { Toasts } from './components/Toasts';
import { usePreventDropNavigation, useShortcuts } from './hooks/useShortcuts';
import { IngestScreen } from './screens/IngestScreen';
import { ProjectView } from './screens/ProjectView';
import { Welcome } from './screens/Welcome';
import { initApp } from './state/actions';
import { screenOf, useApp } from './state/app-store';

export function App() {
  const ready = useApp((s) => s.ready);
  const screen = useApp(screenOf);
  const project = useApp((s) => s.project);
  const pickerOpen = useApp((s) => s.pickerOpen);
  const helpOpen = useApp((s) => s.helpOpen);
  const preview = useApp((s) => s.preview);
  const progressShown = useApp((s) => s.progressShown);
  useShortcuts();
  usePreventDropNavigation();
  useEffect(() => {
    void initApp();
  }, []);

  if (client.missingToken) {
    return (
      <main className="fatal">
        <h1>This page needs its key</h1>
        <p>Open the exact link that <code>npm run serve</code> printed; it ends in <code>?token=…</code>.</p>
      </main>
    );
  }
  return (
    <div className="app" data-screen={ready ? screen : 'loading'} data-progress-shown={progressShown}>
      <ConnectionBanner />
      {!ready ? <div className="loading-screen" aria-busy="true" /> : screen === 'ingest' ? <IngestScreen /> : screen === 'project' && project ? <ProjectView project={project} /> : <Welcome />}
      {pickerOpen && <FolderPicker />}
      {preview && <PreviewModal item={preview} onClose={() => useApp.setState({ preview: null, previewIndex: null })} />}
      {helpOpen && <ShortcutsHelp />}
      <Toasts />
    </div>
  );
}
