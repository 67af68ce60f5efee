import { useEffect, type ReactNode } from 'react';
import { formatCount } from '../format';
import { maskToIndices } from '../map/state-flags';
import type { SidebarContext } from '../screens/MapSidebar';
import { useApp } from '../state/app-store';
import { refreshLabels, undoLabel, useLabels } from '../state/labels-store';
import { useMap } from '../state/map-store';
import { ClassList } from './ClassList';
import { ExportLabels } from './ExportLabels';
import { NewClassForm } from './NewClassForm';
import { PropagatePanel } from './PropagatePanel';
import { SuggestNext } from './SuggestNext';

function Section({ title, children, extra }: { title: string; children: ReactNode; extra?: ReactNode }) {
  return (
    <section className="label-section">
      <h4>{title}{extra}</h4>
      {children}
    </section>
  );
}

/** The Labels tab of the map sidebar: classes and keys, undo, propagation, suggestions, export. */
export function LabelsPanel({ ctx }: { ctx: SidebarContext }) {
  const dir = useApp((s) => s.project?.dir ?? '');
  const history = useLabels((s) => s.history);
  const status = useLabels((s) => s.status);
  const selection = useMap((s) => s.selection);
  const selected = selection ? maskToIndices(selection).length : 0;
  const line = status ?? (history?.undoDescription ? `Last: ${history.undoDescription}` : null);
  // A new bundle may carry labels written elsewhere (cluster naming, the CLI): recount.
  useEffect(() => void refreshLabels(false), [ctx.data]);

  return (
    <div className="labels-panel" data-testid="labels-panel">
      <Section title="Classes" extra={<span className="label-sel" data-testid="label-selected">{selected > 0 ? `${formatCount(selected)} selected` : 'nothing selected'}</span>}>
        <ClassList />
        <NewClassForm />
        <div className="label-history">
          <button type="button" className="btn small" disabled={!history?.canUndo} onClick={() => void undoLabel(false)} title={history?.undoDescription ? `Undo: ${history.undoDescription} (Ctrl+Z)` : 'Nothing to undo'} data-testid="label-undo">Undo</button>
          <button type="button" className="btn small" disabled={!history?.canRedo} onClick={() => void undoLabel(true)} title={history?.redoDescription ? `Redo: ${history.redoDescription} (Ctrl+Shift+Z)` : 'Nothing to redo'} data-testid="label-redo">Redo</button>
        </div>
        {line && <p className="label-status" role="status" data-testid="label-status">{line}</p>}
      </Section>
      <Section title="Propagate">
        <PropagatePanel data={ctx.data} />
      </Section>
      <Section title="Label these next">
        <SuggestNext data={ctx.data} onPick={ctx.selectAndFly} />
      </Section>
      <Section title="Export labels">
        <ExportLabels projectDir={dir} />
      </Section>
    </div>
  );
}
