import { create } from 'zustand';
import { z } from 'zod';
import type { JobProgress } from '../../preload/contract';
import type { ClusterCount, ClusterRun, DuplicateGroup } from '../../preload/contract-labels';
import type { ColorMode } from '../map/colors';
import { tildePath } from '../format';
import { useApp } from './app-store';

type Run = z.infer<typeof ClusterRun>;
type Count = z.infer<typeof ClusterCount>;
export type ClusterMethod = 'kmeans' | 'hdbscan';
export type MapFilter = 'none' | 'duplicates' | 'outliers';

/** A job the panels started: its id arrives with the call's answer, progress may come first. */
export interface RunningJob {
  jobId: string | null;
  progress: JobProgress | null;
}

export interface ScoredImage {
  id: number;
  path: string;
  score: number;
}

/** The classifier job's summary (main/api/classifier.ts), checked at the edge. */
export const TrainSummary = z.object({
  classes: z.array(z.string()),
  /** Null when fewer than 4 images were labelled: too few to cross-validate. */
  cvAccuracy: z.number().nullable(),
  trainedOn: z.number(),
  includeAccepted: z.boolean(),
  /** False when the head was trained on an older run's embeddings (read back on opening). */
  current: z.boolean().default(true),
});
export type TrainSummary = z.infer<typeof TrainSummary>;

export const ExportSummary = z.object({ outDir: z.string(), files: z.array(z.string()), classes: z.array(z.string()), cvAccuracy: z.number().nullable() });
export type ExportSummary = z.infer<typeof ExportSummary>;

/** Parameters and scores of the silhouette search, when the run chose k itself. */
export const ChooseK = z.array(z.object({ k: z.number(), silhouette: z.number(), inertia: z.number().optional() }));
export type ChooseK = z.infer<typeof ChooseK>;

export interface ReviewState {
  projectDir: string | null;
  // Clusters
  clusterRun: Run | null;
  clusters: Count[];
  clusterJob: RunningJob | null;
  clusterError: string | null;
  method: ClusterMethod;
  /** The k the user typed; null lets k-means choose. */
  k: number | null;
  /** A note after naming a cluster, e.g. "Labelled 31 images as “frogs”". */
  clusterNote: string | null;
  // Duplicates and outliers
  exact: DuplicateGroup[] | null;
  near: DuplicateGroup[] | null;
  nearThreshold: number;
  dupLoading: boolean;
  dupError: string | null;
  outliers: ScoredImage[] | null;
  outlierK: number;
  outlierLimit: number;
  outlierLoading: boolean;
  outlierError: string | null;
  filter: MapFilter;
  /** The colour mode before a filter took over, restored when it is cleared. */
  colorBeforeFilter: ColorMode | null;
  // Classifier
  includeAccepted: boolean;
  trainJob: RunningJob | null;
  trained: TrainSummary | null;
  trainError: string | null;
  exportDir: string;
  exportJob: RunningJob | null;
  exported: ExportSummary | null;
  exportError: string | null;
}

export const initialReview = (projectDir: string | null): ReviewState => ({
  projectDir,
  clusterRun: null, clusters: [], clusterJob: null, clusterError: null, method: 'kmeans', k: null, clusterNote: null,
  exact: null, near: null, nearThreshold: 0.95, dupLoading: false, dupError: null,
  outliers: null, outlierK: 10, outlierLimit: 48, outlierLoading: false, outlierError: null,
  filter: 'none', colorBeforeFilter: null,
  includeAccepted: false, trainJob: null, trained: null, trainError: null,
  exportDir: projectDir ? defaultExportDir(tildePath(projectDir, useApp.getState().info?.home)) : '', exportJob: null, exported: null, exportError: null,
});

/** A new folder beside the project's data, in the project's own path style. */
export function defaultExportDir(projectDir: string): string {
  const sep = projectDir.includes('\\') && !projectDir.includes('/') ? '\\' : '/';
  return `${projectDir.replace(/[\\/]+$/, '')}${sep}classifier-export`;
}

export const useReview = create<ReviewState>(() => initialReview(null));
