import { createContext, useContext } from 'react';
import type { SidebarContext } from '../screens/MapSidebar';
import { focusImage } from './map-focus';

/** How a thumbnail click reaches the map: the sidebar's fly-to when hosted there, else select + inspect. */
export const ReviewFocus = createContext<SidebarContext | null>(null);

export function useFocusImage(): (id: number) => void {
  const ctx = useContext(ReviewFocus);
  return (id) => focusImage(id, ctx);
}
