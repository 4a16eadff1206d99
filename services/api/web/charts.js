import { h, s } from './dom.js';

/**
 * Opened vs resolved per day (bars) with the number open at the end of each day (line), as inline SVG: no chart
 * library, nothing fetched from elsewhere.
 */
export function trendChart(trend) {
  const width = 720;
  const height = 220;
  const pad = { left: 36, right: 12, top: 12, bottom: 28 };
  const innerW = width - pad.left - pad.right;
  const innerH = height - pad.top - pad.bottom;
  const max = Math.max(1, ...trend.map((d) => Math.max(d.opened, d.resolved, d.openAtEnd)));
  const step = innerW / Math.max(trend.length, 1);
  const bar = Math.max(2, Math.min(14, step / 2 - 2));
  const y = (v) => pad.top + innerH - (v / max) * innerH;
  const ticks = [0, Math.round(max / 2), max];
  const line = trend.map((d, i) => `${i ? 'L' : 'M'}${pad.left + step * i + step / 2},${y(d.openAtEnd)}`).join(' ');
  const labelEvery = Math.ceil(trend.length / 8);
  const svg = s(
    'svg',
    { viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img', 'aria-label': 'Findings opened and resolved per day' },
    ticks.map((t) => [
      s('line', { x1: pad.left, x2: width - pad.right, y1: y(t), y2: y(t), class: 'grid' }),
      s('text', { x: pad.left - 6, y: y(t) + 4, class: 'axis', 'text-anchor': 'end' }, String(t)),
    ]),
    trend.map((d, i) => {
      const x = pad.left + step * i + step / 2;
      return s(
        'g',
        {},
        s('rect', { x: x - bar - 1, y: y(d.opened), width: bar, height: innerH + pad.top - y(d.opened), class: 'bar-opened' }, s('title', {}, `${d.day}: ${d.opened} opened`)),
        s('rect', { x: x + 1, y: y(d.resolved), width: bar, height: innerH + pad.top - y(d.resolved), class: 'bar-resolved' }, s('title', {}, `${d.day}: ${d.resolved} resolved`)),
        i % labelEvery === 0 ? s('text', { x, y: height - 8, class: 'axis', 'text-anchor': 'middle' }, d.day.slice(5)) : null,
      );
    }),
    trend.length ? s('path', { d: line, class: 'line-open' }) : null,
  );
  const legend = h(
    'div',
    { class: 'legend' },
    h('span', { class: 'key opened' }, 'opened'),
    h('span', { class: 'key resolved' }, 'resolved'),
    h('span', { class: 'key open' }, 'open at end of day'),
  );
  return h('div', { class: 'chart-wrap' }, svg, legend);
}

/** Horizontal bars, one per key. */
export function barList(entries, { total, className = '' } = {}) {
  const max = Math.max(1, ...entries.map(([, n]) => n));
  return h(
    'ul',
    { class: `barlist ${className}` },
    entries.map(([label, n, href]) =>
      h(
        'li',
        {},
        href ? h('a', { href }, label) : h('span', {}, label),
        h('span', { class: 'track' }, h('span', { class: `fill ${className ? `${className}-${label}` : ''}`, style: { width: `${(n / max) * 100}%` } })),
        h('span', { class: 'num' }, String(n), total ? h('small', {}, ` ${Math.round((n / total) * 100)}%`) : null),
      ),
    ),
  );
}
