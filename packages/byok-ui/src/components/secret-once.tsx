import { useId, useRef, useState } from 'react';

/**
 * A secret the server shows this one time (a gateway token, a webhook signing secret): read-only,
 * selectable, with a Copy button. It lives only in this component's props; closing drops it.
 */
export function SecretOnce({
  label,
  value,
  onDone,
  children,
}: {
  label: string;
  value: string;
  onDone(): void;
  children?: React.ReactNode;
}) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<'yes' | 'no' | undefined>();

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied('yes');
    } catch {
      // No clipboard access (an insecure origin, a denied permission): select it for Ctrl+C instead.
      input.current?.select();
      setCopied('no');
    }
  };

  return (
    <section className="byok-card byok-secret-once" aria-labelledby={`${id}-title`}>
      <p id={`${id}-title`} className="byok-state__title">
        {label}
      </p>
      <p className="byok-muted">Copy it now: it is shown only this once and cannot be seen again.</p>
      <div className="byok-input-row">
        <input
          ref={input}
          id={`${id}-value`}
          aria-label={label}
          className="byok-input byok-input--mono"
          readOnly
          value={value}
          onFocus={(e) => e.target.select()}
        />
        <button type="button" className="byok-button byok-button--primary" onClick={copy}>
          Copy
        </button>
      </div>
      <p className="byok-muted" role="status">
        {copied === 'yes'
          ? 'Copied to the clipboard.'
          : copied === 'no'
            ? 'Selected: press Ctrl+C (⌘C) to copy.'
            : ''}
      </p>
      {children}
      <div className="byok-actions">
        <button type="button" className="byok-button" onClick={onDone}>
          I have copied it
        </button>
      </div>
    </section>
  );
}
