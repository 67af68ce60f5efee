import type { SidebarTab } from '../screens/MapSidebar';
import { ClassifierPanel } from './ClassifierPanel';
import { ClustersPanel } from './ClustersPanel';
import { ReviewPanel } from './ReviewPanel';

/** The review panels as Map sidebar tabs (spread into SIDEBAR_TABS); "Review" holds duplicates and outliers. */
export const REVIEW_TABS: SidebarTab[] = [
  { id: 'clusters', title: 'Clusters', render: (ctx) => <ClustersPanel ctx={ctx} /> },
  { id: 'review', title: 'Review', render: (ctx) => <ReviewPanel ctx={ctx} /> },
  { id: 'classifier', title: 'Classifier', render: (ctx) => <ClassifierPanel ctx={ctx} /> },
];
