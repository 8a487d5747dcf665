import { type ReactNode, useEffect, useId, useRef } from 'react';

export interface DialogProps {
  title: string;
  children: ReactNode;
  onClose(): void;
  /** The buttons row. */
  actions: ReactNode;
  /** Which element takes focus on open (a CSS selector inside the dialog); default the first button. */
  initialFocus?: string;
}

/**
 * A modal dialog: focus moves in on open, stays inside (Tab wraps), Escape closes, and focus goes
 * back to what opened it. A plain element rather than `<dialog>` so that it behaves the same in
 * every browser and in jsdom.
 */
export function Dialog({ title, children, onClose, actions, initialFocus }: DialogProps) {
  const ref = useRef<HTMLDivElement>(null);
  const titleId = useId();
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;

  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    const root = ref.current;
    const target =
      (initialFocus ? root?.querySelector<HTMLElement>(initialFocus) : null) ??
      root?.querySelector<HTMLElement>('input, select, textarea, button');
    target?.focus();
    return () => {
      if (opener && document.contains(opener)) opener.focus();
    };
  }, [initialFocus]);

  const onKeyDown = (event: React.KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.stopPropagation();
      onCloseRef.current();
      return;
    }
    if (event.key !== 'Tab' || !ref.current) return;
    const focusable = [
      ...ref.current.querySelectorAll<HTMLElement>(
        'button, input, select, textarea, a[href], [tabindex="0"]',
      ),
    ].filter((el) => !el.hasAttribute('disabled'));
    const first = focusable[0];
    const last = focusable.at(-1);
    if (!first || !last) return;
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  };

  return (
    <div className="byok-backdrop">
      <div
        ref={ref}
        className="byok-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        onKeyDown={onKeyDown}
      >
        <h2 id={titleId} className="byok-dialog__title">
          {title}
        </h2>
        <div className="byok-dialog__body">{children}</div>
        <div className="byok-dialog__actions">{actions}</div>
      </div>
    </div>
  );
}
