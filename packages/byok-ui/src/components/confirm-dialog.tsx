import type { ReactNode } from 'react';
import { Dialog } from './dialog.js';

export interface ConfirmDialogProps {
  title: string;
  /** The label of the (danger) button that confirms. */
  confirmLabel: string;
  onConfirm(): void;
  onCancel(): void;
  children: ReactNode;
}

/** A dialog asking to confirm a destructive action; Cancel takes the focus on open. */
export function ConfirmDialog({ title, confirmLabel, onConfirm, onCancel, children }: ConfirmDialogProps) {
  return (
    <Dialog
      title={title}
      onClose={onCancel}
      initialFocus="[data-cancel]"
      actions={
        <>
          <button type="button" className="byok-button byok-button--danger" onClick={onConfirm}>
            {confirmLabel}
          </button>
          <button type="button" className="byok-button" data-cancel="" onClick={onCancel}>
            Cancel
          </button>
        </>
      }
    >
      {children}
    </Dialog>
  );
}
