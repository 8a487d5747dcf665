import type { ReactNode } from 'react';

/**
 * A table with its caption (visible, or for screen readers only with `hideCaption`), one header
 * per column and the rows as `children`. `actions` adds a last, unnamed column for row buttons;
 * `wrap` is the class of the scrolling box around it (none when false).
 */
export function Table({
  caption,
  hideCaption = false,
  columns,
  actions = false,
  compact = false,
  wrap = 'byok-table-wrap',
  children,
}: {
  caption?: ReactNode;
  hideCaption?: boolean;
  columns: readonly string[];
  actions?: boolean;
  compact?: boolean;
  wrap?: string | false;
  children: ReactNode;
}) {
  const table = (
    <table className={compact ? 'byok-table byok-table--compact' : 'byok-table'}>
      {caption === undefined ? null : (
        <caption className={hideCaption ? 'byok-sr-only' : undefined}>{caption}</caption>
      )}
      <thead>
        <tr>
          {columns.map((column) => (
            <th key={column} scope="col">
              {column}
            </th>
          ))}
          {actions ? (
            <th scope="col">
              <span className="byok-sr-only">Actions</span>
            </th>
          ) : null}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
  return wrap ? <div className={wrap}>{table}</div> : table;
}

/** A row: its name as the row header, then one cell per further column. */
export interface NamedRow {
  id: string;
  name: ReactNode;
  cells: readonly ReactNode[];
}

/** A compact {@link Table} of named rows of figures; `empty` fills it when there are no rows. */
export function FiguresTable({
  caption,
  columns,
  rows,
  empty,
  wrap,
}: {
  caption?: string;
  columns: readonly string[];
  rows: readonly NamedRow[];
  empty?: string;
  wrap?: false;
}) {
  return (
    <Table caption={caption} columns={columns} compact wrap={wrap}>
      {rows.length === 0 && empty ? (
        <tr>
          <td colSpan={columns.length}>{empty}</td>
        </tr>
      ) : (
        rows.map((row) => (
          <tr key={row.id}>
            <th scope="row">{row.name}</th>
            {row.cells.map((cell, index) => (
              <td key={columns[index + 1]}>{cell}</td>
            ))}
          </tr>
        ))
      )}
    </Table>
  );
}

/** A small button in a table row; `label` says what it does to which row (e.g. "Delete Prod bot"). */
export function RowButton({
  label,
  danger = false,
  disabled,
  pressed,
  onClick,
  children,
}: {
  label: string;
  danger?: boolean;
  disabled?: boolean;
  /** For a button that shows something about its row while pressed. */
  pressed?: boolean;
  onClick(): void;
  children: ReactNode;
}) {
  return (
    <button
      type="button"
      className={
        danger ? 'byok-button byok-button--small byok-button--danger' : 'byok-button byok-button--small'
      }
      disabled={disabled}
      aria-label={label}
      aria-pressed={pressed}
      onClick={onClick}
    >
      {children}
    </button>
  );
}
