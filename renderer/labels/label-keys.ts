import { typingIn } from '../hooks/useShortcuts';

/** Inputs that take no typed text: digits there should still label (after ticking a class box). */
const KEYLESS = new Set(['checkbox', 'radio', 'range', 'color', 'button', 'submit']);

function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (el?.tagName === 'SELECT') return true; // a focused <select> jumps to options by typed digits
  return typingIn(target) && !(el instanceof HTMLInputElement && KEYLESS.has(el.type));
}

export type LabelKeyAction = { kind: 'assign'; n: number } | { kind: 'clear' } | { kind: 'undo' } | { kind: 'redo' };

/** The labelling keys on the Map tab; null when the key is not one of them (or the user is typing).
 *  Digits use e.code too, so Shift or a non-US layout still maps the top row to classes. */
export function labelKeyAction(e: Pick<KeyboardEvent, 'key' | 'code' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey' | 'target'>): LabelKeyAction | null {
  if (typing(e.target)) return null;
  const mod = e.ctrlKey || e.metaKey;
  if (mod && !e.altKey) {
    const k = e.key.toLowerCase();
    if (k === 'z') return e.shiftKey ? { kind: 'redo' } : { kind: 'undo' };
    if (k === 'y' && !e.shiftKey) return { kind: 'redo' };
    return null;
  }
  if (mod || e.altKey) return null; // Alt+1..3 switch tabs
  const digit = /^(?:Digit|Numpad)([0-9])$/.exec(e.code)?.[1] ?? (/^[0-9]$/.test(e.key) ? e.key : null);
  if (digit === '0' || e.key === 'Backspace') return { kind: 'clear' };
  if (digit) return { kind: 'assign', n: Number(digit) };
  return null;
}
