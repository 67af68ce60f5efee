import { useEffect, useState } from 'react';
import { mergeClasses, useLabels } from '../state/labels-store';
import { ClassRow } from './ClassRow';

/** The label classes with their counts; ticking two or more offers to merge them into one. */
export function ClassList() {
  const classes = useLabels((s) => s.classes);
  const [ticked, setTicked] = useState<number[]>([]);
  const [target, setTarget] = useState<number | null>(null);
  // Classes that disappeared (merged, undone) must not stay ticked.
  useEffect(() => setTicked((t) => t.filter((id) => classes.some((k) => k.id === id))), [classes]);
  const chosen = ticked.length >= 2 ? (ticked.includes(target ?? -1) ? target! : ticked[0]) : null;

  const merge = async () => {
    if (chosen === null) return;
    const r = await mergeClasses(ticked.filter((id) => id !== chosen), chosen);
    if (r) setTicked([]);
  };

  if (classes.length === 0) {
    return <p className="label-empty">No classes yet. Add one below, select points on the map, and press its number.</p>;
  }
  return (
    <>
      <ul className="label-classes" data-testid="label-classes">
        {classes.map((k, i) => (
          <ClassRow key={k.id} k={k} n={i + 1} checked={ticked.includes(k.id)}
            onCheck={(c) => setTicked((t) => (c ? [...t, k.id] : t.filter((id) => id !== k.id)))} />
        ))}
      </ul>
      {chosen !== null && (
        <div className="label-merge" data-testid="label-merge">
          <span>Merge {ticked.length} into</span>
          <select value={chosen} onChange={(e) => setTarget(Number(e.target.value))} aria-label="Merge target" data-testid="label-merge-target">
            {ticked.map((id) => <option key={id} value={id}>{classes.find((k) => k.id === id)?.name}</option>)}
          </select>
          <button type="button" className="btn small" onClick={() => void merge()} data-testid="label-merge-go">Merge</button>
        </div>
      )}
    </>
  );
}
