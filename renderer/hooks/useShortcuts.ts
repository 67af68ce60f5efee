import { useEffect } from 'react';
import { openFolder } from '../state/actions';
import { startTraining, stopTraining, togglePause } from '../state/train-actions';
import { closeTopOverlay, screenOf, useApp, type ProjectTab } from '../state/app-store';

const TAB_KEYS: Record<string, ProjectTab> = { i: 'images', t: 'train', m: 'map' };
const TAB_ORDER: ProjectTab[] = ['images', 'train', 'map'];
/** Run controls, active on the Train tab only (the map and labelling keep their own letters). */
const TRAIN_KEYS: Record<string, () => void> = {
  s: () => void startTraining(),
  p: togglePause,
  x: () => void stopTraining(),
};
/** How long after G the second key of a "G then I/T/M" tab switch may come. */
const CHORD_MS = 1200;

/** Whether a modal or overlay is up, so tab keys must not act behind it. */
const overlayOpen = (): boolean => {
  const s = useApp.getState();
  return s.helpOpen || s.pickerOpen || !!s.preview;
};

export function typingIn(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.isContentEditable);
}

/** The app-wide keys: Ctrl/Cmd+O opens a folder, Esc closes the top overlay, ? shows help,
 *  G then I/T/M or Alt+1/2/3 switch project tabs (bare digits are kept for labelling). */
export function useShortcuts(): void {
  useEffect(() => {
    let chordAt = 0;
    const onKey = (e: KeyboardEvent): void => {
      const inProject = screenOf(useApp.getState()) === 'project' && !overlayOpen() && !typingIn(e.target);
      const plain = !e.ctrlKey && !e.metaKey && !e.altKey;
      if (inProject && plain && !e.shiftKey && e.key.toLowerCase() === 'g') {
        chordAt = e.timeStamp;
        return;
      }
      if (inProject && plain && chordAt > 0 && e.timeStamp - chordAt < CHORD_MS && TAB_KEYS[e.key.toLowerCase()]) {
        chordAt = 0;
        e.preventDefault();
        e.stopImmediatePropagation();
        useApp.setState({ tab: TAB_KEYS[e.key.toLowerCase()] });
        return;
      }
      chordAt = 0;
      if (inProject && plain && !e.shiftKey && useApp.getState().tab === 'train' && TRAIN_KEYS[e.key.toLowerCase()]) {
        e.preventDefault();
        TRAIN_KEYS[e.key.toLowerCase()]();
        return;
      }
      const digit = /^Digit([1-9])$/.exec(e.code);
      if (inProject && e.altKey && !e.ctrlKey && !e.metaKey && digit && TAB_ORDER[Number(digit[1]) - 1]) {
        e.preventDefault();
        useApp.setState({ tab: TAB_ORDER[Number(digit[1]) - 1] });
      } else if ((e.ctrlKey || e.metaKey) && !e.shiftKey && !e.altKey && e.key.toLowerCase() === 'o') {
        e.preventDefault();
        void openFolder();
      } else if (e.key === 'Escape') {
        if (closeTopOverlay()) e.preventDefault();
      } else if (e.key === '?' && !typingIn(e.target) && !e.ctrlKey && !e.metaKey) {
        e.preventDefault();
        useApp.setState((s) => ({ helpOpen: !s.helpOpen }));
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

/** A file dropped outside the drop zone must not make the window navigate away to it. */
export function usePreventDropNavigation(): void {
  useEffect(() => {
    const stop = (e: DragEvent): void => {
      if (!e.defaultPrevented) e.preventDefault();
    };
    window.addEventListener('dragover', stop);
    window.addEventListener('drop', stop);
    return () => {
      window.removeEventListener('dragover', stop);
      window.removeEventListener('drop', stop);
    };
  }, []);
}
