import { useEffect, useRef, useState } from 'react';
import { formatCount } from '../format';
import { renameClass, setClassColor, type LabelClassRow } from '../state/labels-store';

interface Props {
  k: LabelClassRow;
  /** 1-based position: keys 1–9 label the selection with this class. */
  n: number;
  checked: boolean;
  onCheck(checked: boolean): void;
}

/** Colour pickers fire on every drag step; one history entry per pause is what the user means. */
const COLOR_COMMIT_MS = 400;

/** One class: tick for merging, colour swatch, name (double-click renames), count, key hint. */
export function ClassRow({ k, n, checked, onCheck }: Props) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(k.name);
  const [color, setColor] = useState(k.color);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => setColor(k.color), [k.color]);
  useEffect(() => () => clearTimeout(timer.current), []);

  const pickColor = (c: string) => {
    setColor(c);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => { if (c.toLowerCase() !== k.color.toLowerCase()) void setClassColor(k.id, c); }, COLOR_COMMIT_MS);
  };
  const startRename = () => {
    setDraft(k.name);
    setEditing(true);
  };
  const commit = () => {
    setEditing(false);
    const name = draft.trim();
    if (name && name !== k.name) void renameClass(k.id, name);
  };

  return (
    <li className={`label-class ${checked ? 'checked' : ''}`} data-testid="label-class" data-id={k.id} data-name={k.name} data-count={k.count}>
      <input type="checkbox" className="label-check" checked={checked} onChange={(e) => onCheck(e.target.checked)} aria-label={`Select ${k.name} for merging`} />
      <label className="label-swatch" style={{ background: color }} title="Change colour">
        <input type="color" value={color} onChange={(e) => pickColor(e.target.value)} data-testid="label-color" aria-label={`Colour of ${k.name}`} />
      </label>
      {editing ? (
        <input
          className="label-rename" autoFocus value={draft} maxLength={200} data-testid="label-rename-input" aria-label="New name"
          onChange={(e) => setDraft(e.target.value)} onBlur={commit}
          onKeyDown={(e) => {
            if (e.key === 'Enter') commit();
            else if (e.key === 'Escape') { setEditing(false); e.stopPropagation(); }
          }}
        />
      ) : (
        <span className="label-name" onDoubleClick={startRename} title={`${k.name} — double-click to rename`}>{k.name}</span>
      )}
      <span className="label-count" data-testid="label-count">{formatCount(k.count)}</span>
      {n <= 9 ? <kbd className="label-key" title={`Press ${n} to label the selection`}>{n}</kbd> : <span className="label-key" />}
      <button type="button" className="label-edit" onClick={startRename} title="Rename" aria-label={`Rename ${k.name}`} data-testid="label-rename">✎</button>
    </li>
  );
}
