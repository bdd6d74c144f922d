/**
 * The script inlined into every HTML report: it reads the chart specs embedded
 * as JSON (see charts.ts) and draws each with uPlot. Plain ES2020 in a string,
 * so it runs as written in any current browser, with no build step of its own.
 *
 * Bar charts: groups (models) along x, one bar per series in each group, with
 * a whisker from the spread's low to high (the rounds' min and max). uPlot
 * draws bars on a numeric x scale, so each group takes `series + 1` slots (the
 * last one empty, a gap) and the axis labels sit at the groups' centres.
 * Line charts: one shared x (ms or s), one line per series; a series with
 * `band: true` draws as shaded steps (the classify timeline's waiting stretches).
 */
export const CLIENT_JS = String.raw`
(function () {
  'use strict';
  var PALETTE = ['#2f6fdf', '#e8793a', '#2e9e5b', '#c9404d', '#8a5bd6', '#8c6d46', '#d45fb0', '#6b7280'];
  var specs = JSON.parse(document.getElementById('boundwise-charts').textContent);

  function color(i, alpha) {
    var hex = PALETTE[i % PALETTE.length];
    if (alpha === undefined) return hex;
    var n = parseInt(hex.slice(1), 16);
    return 'rgba(' + (n >> 16) + ',' + ((n >> 8) & 255) + ',' + (n & 255) + ',' + alpha + ')';
  }

  function fmt(v, unit) {
    if (v === null || v === undefined || isNaN(v)) return '—';
    var a = Math.abs(v);
    var s = Number.isInteger(v) ? String(v) : a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : v.toFixed(2);
    return unit ? s + ' ' + unit : s;
  }

  function whiskers(spec, slot) {
    return function (u) {
      var ctx = u.ctx;
      var px = window.devicePixelRatio || 1;
      ctx.save();
      ctx.lineWidth = 1.5 * px;
      ctx.strokeStyle = '#222';
      spec.series.forEach(function (s, j) {
        if (!s.lo || !s.hi || u.series[j + 1].show === false) return;
        s.lo.forEach(function (lo, g) {
          var hi = s.hi[g];
          if (lo === null || hi === null || hi <= lo) return;
          var x = u.valToPos(g * slot + j, 'x', true);
          var y0 = u.valToPos(lo, 'y', true);
          var y1 = u.valToPos(hi, 'y', true);
          var cap = 4 * px;
          ctx.beginPath();
          ctx.moveTo(x, y0); ctx.lineTo(x, y1);
          ctx.moveTo(x - cap, y0); ctx.lineTo(x + cap, y0);
          ctx.moveTo(x - cap, y1); ctx.lineTo(x + cap, y1);
          ctx.stroke();
        });
      });
      ctx.restore();
    };
  }

  function barOptions(spec, width) {
    var k = spec.series.length;
    var slot = k + 1;
    var count = spec.groups.length * slot - 1;
    var xs = [];
    for (var i = 0; i < count; i++) xs.push(i);
    var data = [xs];
    var top = 0;
    spec.series.forEach(function (s, j) {
      var col = xs.map(function () { return null; });
      s.values.forEach(function (v, g) {
        col[g * slot + j] = v;
        top = Math.max(top, v || 0, s.hi ? s.hi[g] || 0 : 0);
      });
      data.push(col);
    });
    var centres = spec.groups.map(function (_, g) { return g * slot + (k - 1) / 2; });
    return {
      data: data,
      opts: {
        width: width,
        height: 280,
        scales: { x: { time: false, range: [-0.7, count - 0.3] }, y: { range: [0, top * 1.12 || 1] } },
        axes: [
          { splits: function () { return centres; }, values: function () { return spec.groups; }, grid: { show: false }, ticks: { show: false } },
          { label: spec.yLabel, labelSize: 22, size: 56, values: function (u, splits) { return splits.map(function (v) { return fmt(v); }); } },
        ],
        series: [
          { label: spec.groupLabel || 'model', value: function (u, v) { return v === null ? '—' : spec.groups[Math.floor(v / slot)] || ''; } },
        ].concat(spec.series.map(function (s, j) {
          return {
            label: s.label,
            stroke: color(s.color === undefined ? j : s.color),
            fill: color(s.color === undefined ? j : s.color, 0.75),
            width: 1,
            paths: uPlot.paths.bars({ size: [0.86, 90] }),
            points: { show: false },
            value: function (u, v) { return fmt(v, spec.unit); },
          };
        })),
        hooks: { draw: [whiskers(spec, slot)] },
        cursor: { points: { show: false } },
      },
    };
  }

  function lineOptions(spec, width) {
    var data = [spec.x].concat(spec.series.map(function (s) { return s.values; }));
    return {
      data: data,
      opts: {
        width: width,
        height: 280,
        scales: { x: { time: false }, y: { range: function (u, min, max) { return [0, Math.max(max * 1.08, spec.yMin || 0) || 1]; } } },
        axes: [
          { label: spec.xLabel, labelSize: 22, values: function (u, splits) { return splits.map(function (v) { return fmt(v); }); } },
          { label: spec.yLabel, labelSize: 22, size: 56, values: function (u, splits) { return splits.map(function (v) { return fmt(v); }); } },
        ],
        series: [{ label: spec.xLabel, value: function (u, v) { return fmt(v); } }].concat(spec.series.map(function (s, j) {
          var c = s.color === undefined ? j : s.color;
          return s.band
            ? { label: s.label, stroke: 'rgba(120,120,120,0.5)', fill: 'rgba(150,150,150,0.25)', width: 0, paths: uPlot.paths.stepped({ align: 1 }), points: { show: false }, value: function (u, v) { return v === null ? 'no' : 'yes'; } }
            : { label: s.label, stroke: color(c), width: 1.6, spanGaps: false, points: { show: false }, paths: s.steps ? uPlot.paths.stepped({ align: 1 }) : undefined, value: function (u, v) { return fmt(v, spec.unit); } };
        })),
        cursor: { points: { size: 6 } },
      },
    };
  }

  var charts = [];
  specs.forEach(function (spec) {
    var el = document.getElementById(spec.id);
    if (!el) throw new Error('no element for chart ' + spec.id);
    var width = Math.max(320, Math.min(1100, el.clientWidth || 800));
    var built = spec.type === 'bars' ? barOptions(spec, width) : lineOptions(spec, width);
    built.opts.title = spec.title;
    var chart = new uPlot(built.opts, built.data, el);
    el.setAttribute('data-rendered', 'true');
    charts.push({ el: el, chart: chart });
  });
  window.addEventListener('resize', function () {
    charts.forEach(function (c) { c.chart.setSize({ width: Math.max(320, Math.min(1100, c.el.clientWidth || 800)), height: 280 }); });
  });
  document.documentElement.setAttribute('data-charts', String(charts.length));
})();
`;
