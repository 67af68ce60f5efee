import { useEffect } from 'react';
import { openFolder } from '../state/actions';
import { closeTopOverlay, useApp } from '../state/app-store';

function typingIn(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.isContentEditable);
}

/** The app-wide keys: Ctrl/Cmd+O opens a folder, Esc closes the top overlay, ? shows help. */
export function useShortcuts(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if ((e.ctrlKey || e.metaKey) && !e.shiftKey && !e.altKey && e.key.toLowerCase() === 'o') {
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
