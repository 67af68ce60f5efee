import { useEffect } from 'react';
import { plural, tildePath } from '../format';
import { useApp } from '../state/app-store';
import { useReview } from '../state/review-store';
import type { SidebarContext } from '../screens/MapSidebar';
import '../styles/review.css';
import { ReviewFocus } from './focus-context';
import { ErrorNote, JobLine, Section } from './parts';
import { cancelJob, exportClassifier, openReview, trainClassifier } from './review-actions';

const set = useReview.setState;

/** Trains the few-shot head on the labels, shows its cross-validated accuracy, and exports it. */
export function ClassifierPanel({ ctx }: { ctx?: SidebarContext }) {
  const dir = useApp((s) => s.project?.dir ?? null);
  const r = useReview();
  const home = useApp((s) => s.info?.home);
  useEffect(() => {
    if (dir) openReview(dir);
  }, [dir]);

  const t = r.trained;
  const joinOut = (f: string) => `${(r.exported?.outDir ?? '').replace(/[\\/]+$/, '')}/${f}`;
  return (
    <ReviewFocus.Provider value={ctx ?? null}>
      <div className="review-panel" data-testid="classifier-panel">
        <Section title="Train">
          <p className="review-hint">A linear head on the frozen encoder, learned from your labels. Accuracy is estimated by 5-fold cross-validation.</p>
          <label className="review-check">
            <input type="checkbox" checked={r.includeAccepted} data-testid="classifier-include-accepted" onChange={(e) => set({ includeAccepted: e.target.checked })} />
            <span>Also learn from accepted propagated labels</span>
          </label>
          <button type="button" className="btn primary small" disabled={!!r.trainJob || !dir} data-testid="classifier-train" onClick={() => void trainClassifier()}>
            {t ? 'Train again' : 'Train classifier'}
          </button>
          {r.trainJob && <JobLine job={r.trainJob} label="Training the classifier" onCancel={() => void cancelJob('trainJob')} testId="classifier-progress" />}
          <ErrorNote message={r.trainError} testId="classifier-error" />
          {t && (
            <div className="classifier-result" data-testid="classifier-result" data-accuracy={t.cvAccuracy ?? ''}>
              <div className="classifier-accuracy">
                <span className="big" data-testid="classifier-accuracy">{t.cvAccuracy === null ? '—' : `${(100 * t.cvAccuracy).toFixed(1)}%`}</span>
                <span className="muted small">{t.cvAccuracy === null ? 'accuracy not estimated: label at least 4 images to cross-validate' : 'cross-validated accuracy'}</span>
              </div>
              <p className="small muted">
                Trained on {plural(t.trainedOn, 'labelled image')}
                {t.includeAccepted ? ' (with accepted predictions)' : ''}, {plural(t.classes.length, 'class', 'classes')}:
              </p>
              <ul className="review-chips">
                {t.classes.map((c) => <li key={c}>{c}</li>)}
              </ul>
              {!t.current && <p className="review-hint" data-testid="classifier-stale">Trained on an earlier run's embeddings: train again to use the latest encoder.</p>}
            </div>
          )}
        </Section>

        <Section title="Export">
          <p className="review-hint">TF.js and ONNX models (encoder + head, preprocessing inside), labels.json, preprocessing.json and a README.</p>
          <form
            className="classifier-export"
            onSubmit={(e) => {
              e.preventDefault();
              void exportClassifier();
            }}
          >
            <label className="review-field wide">
              <span>Folder</span>
              <input
                value={r.exportDir} spellCheck={false} data-testid="classifier-export-dir" aria-label="Folder to export the classifier to"
                onChange={(e) => set({ exportDir: e.target.value })}
              />
            </label>
            <button type="submit" className="btn small" disabled={!!r.exportJob || !dir} data-testid="classifier-export">Export</button>
          </form>
          {!t && !r.exported && <p className="review-hint">Exporting without a trained head trains one on the human labels first.</p>}
          {r.exportJob && <JobLine job={r.exportJob} label="Exporting" onCancel={() => void cancelJob('exportJob')} testId="classifier-export-progress" />}
          <ErrorNote message={r.exportError} testId="classifier-export-error" />
          {r.exported && (
            <div className="classifier-files" data-testid="classifier-files" data-dir={r.exported.outDir}>
              <p className="small">
                Exported {plural(r.exported.classes.length, 'class', 'classes')} to <code className="path" title={r.exported.outDir}>{tildePath(r.exported.outDir, home)}</code>
              </p>
              <ul>
                {r.exported.files.map((f) => (
                  <li key={f} className="path" title={joinOut(f)} data-testid="classifier-file">{f}</li>
                ))}
              </ul>
            </div>
          )}
        </Section>
      </div>
    </ReviewFocus.Provider>
  );
}
