/**
 * The width of an element, updated on resize but only when it really changes,
 * so charts get a fixed pixel width (cheaper to redraw than recharts'
 * ResponsiveContainer, which re-measures on every render).
 */
import { useEffect, useRef, useState } from 'react';

export function useWidth<T extends HTMLElement>(fallback = 600) {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(fallback);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const measure = () => {
      const next = Math.floor(element.getBoundingClientRect().width);
      if (next > 0) setWidth((current) => (Math.abs(current - next) >= 2 ? next : current));
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return { ref, width };
}
