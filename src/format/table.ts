/**
 * Plain-text tables for the terminal and the README (demo, bench): no borders and no
 * colour, so they paste as they are — a header, a rule under it, columns two spaces
 * apart, numbers right-aligned:
 *
 *   model         wall  rule of thumb
 *   ──────────  ──────  ─────────────
 *   sequential  1.23 s  —
 *   threads()    12 ms  use: right ✓
 *
 * cli-table3 does the layout (widths by display width, so ✓, × and — count as one
 * column); only its borders are turned off here.
 */
import Table from 'cli-table3';

const NO_BORDER = {
  top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
  bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
  left: '', 'left-mid': '', right: '', 'right-mid': '',
  // The rule under the header (compact: no rule between body rows); columns two spaces apart.
  mid: '─', 'mid-mid': '  ', middle: '  ',
};

/** Columns padded to their widest cell; `rightAligned[i]` right-aligns column i. Lines carry no trailing spaces. */
export function table(header: string[], body: string[][], rightAligned: boolean[]): string {
  const t = new Table({
    head: header,
    chars: NO_BORDER,
    colAligns: header.map((_, i) => (rightAligned[i] ? 'right' : 'left')),
    style: { head: [], border: [], compact: true, 'padding-left': 0, 'padding-right': 0 },
  });
  // cli-table3 draws an empty cell as nothing at all: give every row every column.
  for (const row of body) t.push(header.map((_, i) => row[i] ?? ''));
  return t
    .toString()
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n');
}
