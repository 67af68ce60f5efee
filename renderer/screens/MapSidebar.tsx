import { useState, type ReactNode } from 'react';
import { LabelsPanel } from '../labels/LabelsPanel';
import { REVIEW_TABS } from '../review/tabs';
import type { MapData } from '../state/map-store';
import '../styles/labels.css';

/** What every sidebar panel gets from the Map tab. */
export interface SidebarContext {
  data: MapData;
  /** Select this point alone and fly the camera to it. */
  selectAndFly(index: number): void;
  /** Open the inspector on this point and fly to it. */
  inspectAndFly(index: number): void;
}

export interface SidebarTab {
  id: string;
  title: string;
  render(ctx: SidebarContext): ReactNode;
}

/** The sidebar's panels, in order; adding one is one line here. */
export const SIDEBAR_TABS: SidebarTab[] = [
  { id: 'labels', title: 'Labels', render: (ctx) => <LabelsPanel ctx={ctx} /> },
  ...REVIEW_TABS,
];

/** The Map tab's right-hand sidebar: tabs of panels, collapsible to a thin rail. */
export function MapSidebar({ ctx, tabs = SIDEBAR_TABS }: { ctx: SidebarContext; tabs?: SidebarTab[] }) {
  const [active, setActive] = useState(tabs[0]?.id ?? '');
  const [open, setOpen] = useState(true);
  const tab = tabs.find((t) => t.id === active) ?? tabs[0];
  if (!open) {
    return (
      <aside className="map-sidebar collapsed" data-testid="map-sidebar" data-open="false">
        <button type="button" className="sidebar-toggle" onClick={() => setOpen(true)} title="Show the sidebar" aria-label="Show the sidebar" aria-expanded={false}>‹</button>
        {tabs.map((t) => (
          <button key={t.id} type="button" className="sidebar-rail-tab" onClick={() => { setActive(t.id); setOpen(true); }}>{t.title}</button>
        ))}
      </aside>
    );
  }
  return (
    <aside className="map-sidebar" data-testid="map-sidebar" data-open="true">
      <div className="sidebar-tabs" role="tablist">
        {tabs.map((t) => (
          <button key={t.id} type="button" role="tab" aria-selected={t.id === tab?.id} className={`sidebar-tab ${t.id === tab?.id ? 'active' : ''}`}
            data-testid={`sidebar-tab-${t.id}`} onClick={() => setActive(t.id)}>
            {t.title}
          </button>
        ))}
        <span className="map-spacer" />
        <button type="button" className="sidebar-toggle" onClick={() => setOpen(false)} title="Hide the sidebar" aria-label="Hide the sidebar" aria-expanded>›</button>
      </div>
      <div className="sidebar-body" role="tabpanel" aria-label={tab?.title}>{tab?.render(ctx)}</div>
    </aside>
  );
}
