/**
 * One self-contained HTML page: styles, uPlot and the drawing script inline,
 * the charts' data embedded as JSON, and a plain table under every chart so it
 * reads without scripts and prints well. Nothing is fetched at view time.
 *
 * uPlot (MIT, ~50 kB minified, no dependencies) was chosen over ECharts (~1 MB)
 * and Vega-Lite (~800 kB with Vega): the reports need bars with whiskers and
 * time series, which uPlot draws on a canvas with a legend, and a report stays
 * around 70 kB. It is read from node_modules when a report is written.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { CLIENT_JS } from './client.js';

const require = createRequire(import.meta.url);

export interface Series {
  label: string;
  values: Array<number | null>;
  /** Whisker ends per group (bars): the spread over rounds. */
  lo?: Array<number | null>;
  hi?: Array<number | null>;
  /** Palette index, when the colour should follow a model rather than the series' place. */
  color?: number;
  /** Lines: draw as shaded steps where not null (a stretch, not a value). */
  band?: boolean;
  /** Lines: draw as steps (one value per sampling interval). */
  steps?: boolean;
}

export type ChartSpec =
  | { type: 'bars'; id: string; title: string; groups: string[]; groupLabel?: string; yLabel: string; unit?: string; series: Series[] }
  | { type: 'lines'; id: string; title: string; x: number[]; xLabel: string; yLabel: string; unit?: string; yMin?: number; series: Series[] };

export interface Table {
  header: string[];
  rows: string[][];
  /** Right-aligned columns (numbers). */
  numeric?: boolean[];
}

export interface Section {
  title: string;
  /** Paragraphs of plain text shown above the chart. */
  text?: string[];
  chart?: ChartSpec;
  table?: Table;
  /** A name for tests and anchors. */
  id: string;
}

export interface Page {
  title: string;
  /** Lines under the title: what ran, where. */
  meta: string[];
  /** The verdict block at the top: first line bold. */
  headline: string[];
  sections: Section[];
  footer?: string[];
}

/** Table figures: fixed decimals (one by default), as the tests read them back. */
export function num(n: number, digits = 1): string {
  return Number.isFinite(n) ? n.toFixed(digits) : '—';
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** JSON inside <script>: `<` escaped so no string in it can close the element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

let assets: { js: string; css: string } | undefined;
function uplot(): { js: string; css: string } {
  assets ??= {
    js: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
    css: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
  };
  return assets;
}

const STYLE = `
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d2330; margin: 0; background: #fafbfc; }
main { max-width: 1140px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 34px 0 8px; border-bottom: 1px solid #dde1e8; padding-bottom: 4px; }
.meta { color: #5b6473; margin: 0; font-size: 13px; }
.headline { background: #fff; border: 1px solid #dde1e8; border-left: 5px solid #2f6fdf; border-radius: 6px; padding: 12px 16px; margin: 18px 0; }
.headline p { margin: 4px 0; }
.headline p:first-child { font-weight: 600; font-size: 16px; }
.chart { background: #fff; border: 1px solid #e4e7ec; border-radius: 6px; padding: 8px 4px 4px; margin: 8px 0; min-height: 300px; }
table { border-collapse: collapse; margin: 8px 0 4px; font-size: 13px; background: #fff; }
th, td { border: 1px solid #e1e4ea; padding: 4px 9px; text-align: left; }
th { background: #f1f3f6; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.section-text { margin: 6px 0; color: #394150; }
footer { margin-top: 32px; color: #5b6473; font-size: 12px; }
.u-title { font-size: 15px !important; font-weight: 600 !important; }
@media print { body { background: #fff; } .chart { break-inside: avoid; border: none; } h2 { break-after: avoid; } table { break-inside: avoid; } }
`;

function renderTable(t: Table, id: string): string {
  const cls = (i: number) => (t.numeric?.[i] ? ' class="num"' : '');
  const head = t.header.map((h, i) => `<th${cls(i)}>${escapeHtml(h)}</th>`).join('');
  const body = t.rows.map((r) => `<tr>${r.map((c, i) => `<td${cls(i)}>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table data-table="${escapeHtml(id)}"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

export function renderPage(p: Page): string {
  const { js, css } = uplot();
  const charts = p.sections.flatMap((s) => (s.chart ? [s.chart] : []));
  const sections = p.sections
    .map((s) => {
      const parts = [`<section id="${escapeHtml(s.id)}">`, `<h2>${escapeHtml(s.title)}</h2>`];
      for (const text of s.text ?? []) parts.push(`<p class="section-text">${escapeHtml(text)}</p>`);
      if (s.chart) parts.push(`<div class="chart" id="${escapeHtml(s.chart.id)}" role="img" aria-label="${escapeHtml(s.chart.title)}"></div>`);
      if (s.table) parts.push(renderTable(s.table, s.id));
      parts.push('</section>');
      return parts.join('\n');
    })
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="boundwise">
<title>${escapeHtml(p.title)}</title>
<style>${css}</style>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>${escapeHtml(p.title)}</h1>
${p.meta.map((m) => `<p class="meta">${escapeHtml(m)}</p>`).join('\n')}
<div class="headline">${p.headline.map((l) => `<p>${escapeHtml(l)}</p>`).join('')}</div>
${sections}
${p.footer?.length ? `<footer>${p.footer.map((f) => `<p>${escapeHtml(f)}</p>`).join('')}</footer>` : ''}
</main>
<script type="application/json" id="boundwise-charts">${scriptJson(charts)}</script>
<script>${js}</script>
<script>${CLIENT_JS}</script>
</body>
</html>
`;
}
