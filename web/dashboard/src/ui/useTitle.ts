import { useEffect } from 'react';

/** The tab's title names the screen (screen readers announce it, and it tells tabs apart). */
export function useTitle(title: string) {
  useEffect(() => {
    document.title = `${title} · Parley`;
  }, [title]);
}
