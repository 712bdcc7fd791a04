// Throughput against concurrency as a small self-contained SVG (no plotting library to install).
type Point = { concurrency: number; deliveries_per_s: number; baseline_per_s: number };

const WIDTH = 640;
const HEIGHT = 360;
const MARGIN = { left: 70, right: 150, top: 30, bottom: 50 };

export function plotThroughput(points: Point[]): string {
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  // Concurrency doubles from point to point: a log scale spaces them evenly.
  const xs = points.map((p) => Math.log2(p.concurrency));
  const [xMin, xMax] = [Math.min(...xs), Math.max(...xs)];
  const yMax = niceCeiling(Math.max(...points.flatMap((p) => [p.deliveries_per_s, p.baseline_per_s])));
  const x = (c: number) => MARGIN.left + ((Math.log2(c) - xMin) / (xMax - xMin || 1)) * plotW;
  const y = (v: number) => MARGIN.top + plotH - (v / yMax) * plotH;
  const series = [
    { key: 'baseline_per_s' as const, label: 'bare undici Pool', color: '#999999' },
    { key: 'deliveries_per_s' as const, label: 'Herald end to end', color: '#1677ff' },
  ];
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${MARGIN.left}" y="18" font-size="14">Deliveries/s against requests in flight (10 webhooks, one receiver)</text>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const v = (yMax / 4) * i;
    parts.push(
      `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${y(v)}" y2="${y(v)}" stroke="#eeeeee"/>`,
    );
    parts.push(
      `<text x="${MARGIN.left - 8}" y="${y(v) + 4}" text-anchor="end">${Math.round(v).toLocaleString('en-US')}</text>`,
    );
  }
  for (const p of points) {
    parts.push(
      `<text x="${x(p.concurrency)}" y="${MARGIN.top + plotH + 18}" text-anchor="middle">${p.concurrency}</text>`,
    );
  }
  parts.push(
    `<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 10}" text-anchor="middle">requests in flight (per-endpoint cap x 10)</text>`,
  );
  parts.push(
    `<line x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${MARGIN.top + plotH}" stroke="#333333"/>`,
  );
  parts.push(
    `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${MARGIN.top + plotH}" y2="${MARGIN.top + plotH}" stroke="#333333"/>`,
  );
  series.forEach((s, i) => {
    const path = points
      .map((p, j) => `${j ? 'L' : 'M'}${x(p.concurrency).toFixed(1)},${y(p[s.key]).toFixed(1)}`)
      .join(' ');
    parts.push(`<path d="${path}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
    for (const p of points)
      parts.push(`<circle cx="${x(p.concurrency)}" cy="${y(p[s.key])}" r="3" fill="${s.color}"/>`);
    const ly = MARGIN.top + 10 + i * 20;
    parts.push(
      `<line x1="${WIDTH - MARGIN.right + 12}" x2="${WIDTH - MARGIN.right + 32}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="2"/>`,
    );
    parts.push(`<text x="${WIDTH - MARGIN.right + 38}" y="${ly + 4}">${s.label}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

function niceCeiling(v: number): number {
  const step = 10 ** Math.floor(Math.log10(v || 1));
  return Math.ceil(v / step) * step;
}
