import { useState } from 'react';
import { createClass, useLabels } from '../state/labels-store';

/** The server picks from the same palette when no colour is sent; showing it first lets the user change it. */
const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

/** Name and colour of a new class; Enter adds it. */
export function NewClassForm() {
  const count = useLabels((s) => s.classes.length);
  const [name, setName] = useState('');
  const [color, setColor] = useState<string | null>(null);
  const shown = color ?? PALETTE[count % PALETTE.length];
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    const submitted = name.trim();
    if (!submitted) return;
    const k = await createClass(submitted, shown);
    // The user may already be typing the next name; clear only what was submitted.
    if (k) {
      setName((n) => (n.trim() === submitted ? '' : n));
      setColor(null);
    }
  };
  return (
    <form className="label-new" onSubmit={(e) => void submit(e)} data-testid="label-new">
      <label className="label-swatch" style={{ background: shown }} title="Colour of the new class">
        <input type="color" value={shown} onChange={(e) => setColor(e.target.value)} aria-label="Colour of the new class" />
      </label>
      <input className="label-input" value={name} maxLength={200} placeholder="New class name" onChange={(e) => setName(e.target.value)} data-testid="label-new-name" aria-label="New class name" />
      <button type="submit" className="btn small" disabled={!name.trim()} data-testid="label-new-add">Add</button>
    </form>
  );
}
