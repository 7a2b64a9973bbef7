// Horizontal bar chart of p50 per frame (log scale; p99 as a thin whisker), one bar per row, fastest first.
export interface ChartRow { label: string; p50: number; p99: number; highlight: boolean }

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function barChartSvg(title: string, subtitle: string, rows: ChartRow[]): string {
  const sorted = [...rows].sort((a, b) => a.p50 - b.p50);
  const left = 250, right = 90, top = 56, barH = 18, gap = 6, width = 900;
  const plotW = width - left - right;
  const height = top + sorted.length * (barH + gap) + 48;
  const lo = Math.pow(10, Math.floor(Math.log10(Math.min(...sorted.map((r) => r.p50)))));
  const hi = Math.pow(10, Math.ceil(Math.log10(Math.max(...sorted.map((r) => r.p99)))));
  const x = (v: number) => left + (Math.log10(v / lo) / Math.log10(hi / lo)) * plotW;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${left}" y="20" font-size="15" font-weight="600">${esc(title)}</text>`,
    `<text x="${left}" y="38" fill="#555">${esc(subtitle)}</text>`,
  ];
  for (let d = lo; d <= hi * 1.0001; d *= 10) {
    for (const m of [1, 2, 5]) {
      const v = d * m;
      if (v > hi * 1.0001) break;
      const gx = x(v).toFixed(1);
      parts.push(`<line x1="${gx}" x2="${gx}" y1="${top - 6}" y2="${height - 38}" stroke="${m === 1 ? '#ccc' : '#eee'}"/>`);
      parts.push(`<text x="${gx}" y="${height - 22}" text-anchor="middle" fill="#666">${+v.toPrecision(2)}</text>`);
    }
  }
  sorted.forEach((r, i) => {
    const y = top + i * (barH + gap);
    const w = Math.max(1, x(r.p50) - left);
    parts.push(`<text x="${left - 8}" y="${y + barH - 5}" text-anchor="end"${r.highlight ? ' font-weight="600"' : ''}>${esc(r.label)}</text>`);
    parts.push(`<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${barH}" fill="${r.highlight ? '#d9480f' : '#5c7cfa'}"/>`);
    const x99 = x(r.p99);
    parts.push(`<line x1="${(left + w).toFixed(1)}" x2="${x99.toFixed(1)}" y1="${y + barH / 2}" y2="${y + barH / 2}" stroke="#333"/>`);
    parts.push(`<line x1="${x99.toFixed(1)}" x2="${x99.toFixed(1)}" y1="${y + 4}" y2="${y + barH - 4}" stroke="#333"/>`);
    parts.push(`<text x="${(x99 + 6).toFixed(1)}" y="${y + barH - 5}" fill="#333">${r.p50.toFixed(3)}</text>`);
  });
  parts.push(`<text x="${left + plotW / 2}" y="${height - 5}" text-anchor="middle" fill="#666">ms per frame (log scale)</text>`);
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
