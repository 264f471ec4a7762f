// Inline SVG charts that read without colour: every series has its own marker shape and dash (line
// charts) or fill pattern (bar charts), bars carry their value as text, and each chart has axes,
// a legend, a <title>/<desc> for screen readers and the numbers as a table underneath.

import { html, type SafeHtml } from './html.js';

const W = 760;
const H = 300;
const M = { top: 40, right: 20, bottom: 48, left: 72 };
const PLOT_W = W - M.left - M.right;
const PLOT_H = H - M.top - M.bottom;
const INK = ['#0b3d91', '#9a3412', '#166534', '#6b21a8'];

export type Marker = 'circle' | 'square' | 'triangle' | 'diamond';
const MARKERS: Marker[] = ['circle', 'square', 'triangle', 'diamond'];
const DASHES = ['', '6 3', '2 3', '8 3 2 3'];
const PATTERNS = ['solid', 'hatch', 'dots', 'cross'] as const;

export interface Series {
  name: string;
  values: (number | null)[];
}

export interface ChartSpec {
  id: string;
  title: string;
  description: string;
  xLabels: string[];
  yLabel: string;
  series: Series[];
  /** Tick and value labels, e.g. durations. */
  format?: (v: number) => string;
  /** The numbers as a table of the page's own (e.g. with drill-down links), instead of the default one. */
  table?: SafeHtml;
}

const r1 = (n: number) => Math.round(n * 10) / 10;

/** A round upper bound (1, 2, 2.5, 5 × 10^k) with five ticks. */
function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const step = max / 5;
  const mag = 10 ** Math.floor(Math.log10(step));
  const nice = [1, 2, 2.5, 5, 10].find((m) => m * mag >= step) ?? 10;
  return nice * mag * 5;
}

function axes(spec: ChartSpec, top: number, fmt: (v: number) => string): SafeHtml {
  const ticks = [0, 1, 2, 3, 4, 5].map((i) => {
    const y = r1(M.top + PLOT_H - (i / 5) * PLOT_H);
    return html`<line x1="${M.left}" x2="${M.left + PLOT_W}" y1="${y}" y2="${y}" stroke="#d0d7de"/><text x="${M.left - 6}" y="${y + 4}" text-anchor="end" font-size="11">${fmt((top * i) / 5)}</text>`;
  });
  const n = spec.xLabels.length;
  const every = Math.ceil(n / 12);
  const xs = spec.xLabels.map((label, i) =>
    i % every === 0 ? html`<text x="${r1(M.left + ((i + 0.5) * PLOT_W) / n)}" y="${M.top + PLOT_H + 16}" text-anchor="middle" font-size="11">${label}</text>` : '',
  );
  return html`<g class="axes">${ticks}
    <line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${M.top + PLOT_H}" stroke="#1b1f24"/>
    <line x1="${M.left}" x2="${M.left + PLOT_W}" y1="${M.top + PLOT_H}" y2="${M.top + PLOT_H}" stroke="#1b1f24"/>${xs}
    <text x="16" y="${M.top + PLOT_H / 2}" transform="rotate(-90 16 ${M.top + PLOT_H / 2})" text-anchor="middle" font-size="12">${spec.yLabel}</text></g>`;
}

function markerShape(marker: Marker, x: number, y: number, color: string): SafeHtml {
  const s = 4.5;
  switch (marker) {
    case 'circle':
      return html`<circle cx="${x}" cy="${y}" r="${s}" fill="${color}"/>`;
    case 'square':
      return html`<rect x="${r1(x - s)}" y="${r1(y - s)}" width="${2 * s}" height="${2 * s}" fill="#fff" stroke="${color}" stroke-width="2"/>`;
    case 'triangle':
      return html`<path d="M${x} ${r1(y - s - 1)}L${r1(x + s + 1)} ${r1(y + s)}L${r1(x - s - 1)} ${r1(y + s)}Z" fill="${color}"/>`;
    case 'diamond':
      return html`<path d="M${x} ${r1(y - s - 1)}L${r1(x + s + 1)} ${y}L${x} ${r1(y + s + 1)}L${r1(x - s - 1)} ${y}Z" fill="#fff" stroke="${color}" stroke-width="2"/>`;
  }
}

function legend(entries: SafeHtml[]): SafeHtml {
  return html`<g class="legend">${entries.map((e, i) => html`<g transform="translate(${M.left + i * 150} 14)">${e}</g>`)}</g>`;
}

function dataTable(spec: ChartSpec, fmt: (v: number) => string): SafeHtml {
  return html`<details><summary>Data</summary><div class="table-scroll" role="region" aria-label="${spec.title}: data" tabindex="0"><table class="matrix"><caption>${spec.title}</caption><thead><tr><th scope="col">${spec.yLabel}</th>${spec.xLabels.map((l) => html`<th scope="col">${l}</th>`)}</tr></thead>
    <tbody>${spec.series.map((s) => html`<tr><th scope="row">${s.name}</th>${s.values.map((v, i) => html`<td data-label="${spec.xLabels[i] ?? ''}">${v === null ? '—' : fmt(v)}</td>`)}</tr>`)}</tbody></table></div></details>`;
}

function frame(spec: ChartSpec, kind: string, inner: SafeHtml, fmt: (v: number) => string): SafeHtml {
  return html`<figure id="${spec.id}"><figcaption>${spec.title}</figcaption>
<svg class="chart ${kind}" viewBox="0 0 ${W} ${H}" preserveAspectRatio="xMidYMid meet" role="img" aria-labelledby="${spec.id}-t ${spec.id}-d" xmlns="http://www.w3.org/2000/svg">
<title id="${spec.id}-t">${spec.title}</title><desc id="${spec.id}-d">${spec.description}</desc>${inner}</svg>${spec.table ?? dataTable(spec, fmt)}</figure>`;
}

/** One line per series, each with its own marker and dash; a missing value breaks the line. */
export function lineChart(spec: ChartSpec): SafeHtml {
  const fmt = spec.format ?? String;
  const max = Math.max(0, ...spec.series.flatMap((s) => s.values.filter((v): v is number => v !== null)));
  const top = niceMax(max);
  const n = spec.xLabels.length;
  const x = (i: number) => r1(M.left + ((i + 0.5) * PLOT_W) / n);
  const y = (v: number) => r1(M.top + PLOT_H - (v / top) * PLOT_H);
  const lines = spec.series.map((s, si) => {
    const color = INK[si % INK.length]!;
    const marker = MARKERS[si % MARKERS.length]!;
    let d = '';
    let pen = false;
    s.values.forEach((v, i) => {
      if (v === null) return void (pen = false);
      d += `${pen ? 'L' : 'M'}${x(i)} ${y(v)}`;
      pen = true;
    });
    const points = s.values.map((v, i) =>
      v === null
        ? ''
        : html`<g class="point" data-series="${s.name}" data-x="${spec.xLabels[i] ?? ''}" data-value="${v}">${markerShape(marker, x(i), y(v), color)}<title>${s.name}, ${spec.xLabels[i] ?? ''}: ${fmt(v)}</title></g>`,
    );
    return html`<g class="series" data-series="${s.name}"><path d="${d}" fill="none" stroke="${color}" stroke-width="2" stroke-dasharray="${DASHES[si % DASHES.length]!}"/>${points}</g>`;
  });
  const keys = spec.series.map((s, si) => {
    const color = INK[si % INK.length]!;
    return html`<line x1="0" x2="28" y1="0" y2="0" stroke="${color}" stroke-width="2" stroke-dasharray="${DASHES[si % DASHES.length]!}"/>${markerShape(MARKERS[si % MARKERS.length]!, 14, 0, color)}<text x="34" y="4" font-size="12">${s.name}</text>`;
  });
  return frame(spec, 'line-chart', html`${axes(spec, top, fmt)}${lines}${legend(keys)}`, fmt);
}

function patternDefs(id: string): SafeHtml {
  return html`<defs>
    <pattern id="${id}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/><line x1="0" y1="0" x2="0" y2="6" stroke="${INK[1]!}" stroke-width="3"/></pattern>
    <pattern id="${id}-dots" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="#fff"/><circle cx="3" cy="3" r="1.6" fill="${INK[2]!}"/></pattern>
    <pattern id="${id}-cross" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="#fff"/><path d="M0 0L6 6M6 0L0 6" stroke="${INK[3]!}" stroke-width="1.2"/></pattern></defs>`;
}

function barFill(id: string, si: number): string {
  const p = PATTERNS[si % PATTERNS.length]!;
  return p === 'solid' ? INK[0]! : `url(#${id}-${p})`;
}

/** Grouped bars: one group per x label, one bar per series, each bar labelled with its value. */
export function barChart(spec: ChartSpec): SafeHtml {
  const fmt = spec.format ?? String;
  const max = Math.max(0, ...spec.series.flatMap((s) => s.values.filter((v): v is number => v !== null)));
  const top = niceMax(max);
  const n = spec.xLabels.length;
  const group = PLOT_W / n;
  const barW = Math.max(2, (group * 0.8) / spec.series.length);
  const bars = spec.series.map((s, si) =>
    s.values.map((v, i) => {
      const value = v ?? 0;
      const h = r1((value / top) * PLOT_H);
      const bx = r1(M.left + i * group + group * 0.1 + si * barW);
      const by = r1(M.top + PLOT_H - h);
      return html`<g class="bar" data-series="${s.name}" data-x="${spec.xLabels[i] ?? ''}" data-value="${value}">
        <rect x="${bx}" y="${by}" width="${r1(barW - 1)}" height="${h}" fill="${barFill(spec.id, si)}" stroke="${INK[si % INK.length]!}"/>
        <text x="${r1(bx + barW / 2)}" y="${r1(by - 3)}" text-anchor="middle" font-size="${barW < 14 ? 8 : 10}">${fmt(value)}</text>
        <title>${s.name}, ${spec.xLabels[i] ?? ''}: ${fmt(value)}</title></g>`;
    }),
  );
  const keys = spec.series.map(
    (s, si) => html`<rect x="0" y="-8" width="22" height="14" fill="${barFill(spec.id, si)}" stroke="${INK[si % INK.length]!}"/><text x="28" y="4" font-size="12">${s.name}</text>`,
  );
  return frame(spec, 'bar-chart', html`${patternDefs(spec.id)}${axes(spec, top, fmt)}${bars}${legend(keys)}`, fmt);
}

/** Compact duration for axis ticks: 90 → "1.5m", 7200 → "2h". */
export function shortDuration(seconds: number): string {
  const units: [number, string][] = [
    [86_400, 'd'],
    [3_600, 'h'],
    [60, 'm'],
  ];
  for (const [size, unit] of units) if (seconds >= size) return `${Math.round((seconds / size) * 10) / 10}${unit}`;
  return `${Math.round(seconds)}s`;
}
