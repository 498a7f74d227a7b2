"use client";
import { useEffect, useRef, type DetailsHTMLAttributes, type ReactNode } from "react";

/**
 * A <details> that may start open but is never closed by a re-render: after a server action the
 * page re-renders with new data, and a form's success message must stay in view.
 */
export function Disclosure({ defaultOpen = false, summary, summaryClassName, children, ...props }: Omit<DetailsHTMLAttributes<HTMLDetailsElement>, "open"> & { defaultOpen?: boolean; summary: ReactNode; summaryClassName?: string; children: ReactNode }) {
  const ref = useRef<HTMLDetailsElement>(null);
  useEffect(() => {
    if (defaultOpen && ref.current) ref.current.open = true;
    // Only the first render decides; later ones leave the person's choice alone.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return (
    <details ref={ref} {...props}>
      <summary className={summaryClassName}>{summary}</summary>
      {children}
    </details>
  );
}
