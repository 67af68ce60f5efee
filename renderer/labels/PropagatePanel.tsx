import { useMemo, useState } from 'react';
import { ProgressBar } from '../components/ProgressBar';
import { formatCount } from '../format';
import { acceptAbove, cancelPropagation, runPropagation, setThreshold, useLabels, type PropagateMethod } from '../state/labels-store';
import { setColorMode, useMap, type MapData } from '../state/map-store';

const METHODS: [PropagateMethod, string, string][] = [
  ['spreading', 'Label spreading', 'Spreads labels over the kNN graph (Zhou et al. 2004)'],
  ['logreg', 'Logistic regression', 'A linear head trained on the labelled embeddings'],
];

/** Unlabelled points whose prediction is at least t: what "accept" would label, live from the map
 *  bundle so the slider needs no round trip (same float32 values and ≥ as the store's query). */
export function countAbove(data: MapData, t: number): number {
  const { label, confidence } = data.sections;
  let n = 0;
  for (let i = 0; i < label.length; i++) if (label[i] < 0 && confidence[i] >= t) n++;
  return n;
}

/** Spread the labels to every image, colour the map by the result, accept the confident ones. */
export function PropagatePanel({ data }: { data: MapData }) {
  const job = useLabels((s) => s.propagation);
  const last = useLabels((s) => s.lastPropagation);
  const threshold = useLabels((s) => s.threshold);
  const colorMode = useMap((s) => s.colorMode);
  // Propagation needs labelled images of two classes; say so before the user tries.
  const ready = useLabels((s) => s.classes.filter((k) => k.count > 0).length >= 2);
  const [method, setMethod] = useState<PropagateMethod>('spreading');
  const hasPredictions = useMemo(() => data.sections.confidence.some(Number.isFinite), [data]);
  const above = useMemo(() => countAbove(data, threshold), [data, threshold]);
  const [accepting, setAccepting] = useState(false);

  const accept = async () => {
    setAccepting(true);
    await acceptAbove(threshold);
    setAccepting(false);
  };

  return (
    <div className="label-propagate" data-testid="label-propagate">
      <div className="label-seg" role="radiogroup" aria-label="Propagation method">
        {METHODS.map(([m, name, why]) => (
          <button key={m} type="button" role="radio" aria-checked={method === m} className={method === m ? 'active' : ''} title={why} onClick={() => setMethod(m)} data-testid={`propagate-method-${m}`}>
            {name}
          </button>
        ))}
      </div>
      {job ? (
        <div className="label-job" data-testid="propagate-progress">
          <ProgressBar done={job.progress?.done ?? 0} total={job.progress?.total ?? 1} indeterminate={!job.progress || job.progress.done === 0} />
          <span className="muted small">{job.progress?.message ?? 'Starting…'}</span>
          <button type="button" className="btn small" onClick={() => void cancelPropagation()} disabled={!job.jobId}>Cancel</button>
        </div>
      ) : (
        <button type="button" className="btn small primary" onClick={() => void runPropagation(method)} disabled={!ready} data-testid="propagate-run"
          title={ready ? 'Predict a label and a confidence for every unlabelled image' : 'Label a few images of at least two classes first'}>
          Propagate labels
        </button>
      )}
      {last && (
        <p className="muted small" data-testid="propagate-summary">
          {formatCount(last.predicted)} predicted from {formatCount(last.labelled)} labelled · mean confidence {last.meanConfidence.toFixed(2)}
        </p>
      )}
      {hasPredictions && (
        <>
          <div className="label-colour-by">
            <span className="muted small">Colour map by</span>
            {(['label', 'predicted', 'confidence'] as const).map((m) => (
              <button key={m} type="button" className={`chip ${colorMode === m ? 'active' : ''}`} onClick={() => setColorMode(m)} data-testid={`colour-by-${m}`}>{m}</button>
            ))}
          </div>
          <label className="label-threshold">
            <span className="muted small">Confidence ≥ <strong data-testid="threshold-value">{threshold.toFixed(2)}</strong></span>
            <input type="range" min={0} max={1} step={0.01} value={threshold} onChange={(e) => setThreshold(Number(e.target.value))} data-testid="threshold" aria-label="Confidence threshold" />
          </label>
          <button type="button" className="btn small" disabled={above === 0 || accepting || !!job} onClick={() => void accept()} data-testid="accept-above" data-count={above}>
            Accept {formatCount(above)} above {threshold.toFixed(2)}
          </button>
        </>
      )}
    </div>
  );
}
