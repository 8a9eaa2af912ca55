// Small time charts with uPlot (served from its WebJar).

/** A line chart of series over epoch-second xs; returns the uPlot, whose setData updates it. */
function lineChart(el, title, labels, colors, xs, ys, width = 520, height = 180) {
  const opts = {
    title, width, height,
    scales: {x: {time: true}},
    series: [{}, ...labels.map((label, i) => ({label, stroke: colors[i % colors.length], width: 1.5}))],
    axes: [{}, {size: 50, values: (u, values) => values.map(compact)}],
  };
  return new uPlot(opts, [xs, ...ys], el);
}

/** 1.2M, 450k, 0.35: axis labels that fit a small chart. */
function compact(v) {
  if (v === null || v === undefined) return '';
  const a = Math.abs(v);
  return a >= 1e9 ? +(v / 1e9).toFixed(1) + 'G' : a >= 1e6 ? +(v / 1e6).toFixed(1) + 'M'
      : a >= 1e3 ? +(v / 1e3).toFixed(1) + 'k' : +v.toFixed(2) + '';
}

/**
 * A chart whose data is replaced on each refresh: one uPlot, kept while the page stays and destroyed when it is left
 * (uPlot listens on the window).
 */
export class LiveChart {
  constructor(ctx, el, title, labels, colors, width, height) {
    Object.assign(this, {el, title, labels, colors, width, height});
    this.plot = null;
    ctx.onLeave(() => this.destroy());
  }

  update(xs, ys) {
    if (!this.plot) {
      this.plot = lineChart(this.el, this.title, this.labels, this.colors, xs, ys, this.width, this.height);
    } else {
      this.plot.setData([xs, ...ys]);
    }
  }

  destroy() {
    if (this.plot) this.plot.destroy();
    this.plot = null;
  }
}

export const GREEN = '#2f9e44';
export const RED = '#d63939';
export const AMBER = '#e0a100';
export const BLUE = '#2b6cd4';
