// The indicators' charts: progress against the targets (the overview),
// the trend by month and the comparison of the divisions (an indicator's
// page); and the print button of the monthly report. The server computes
// every figure and passes it as JSON in the chart element's data-chart
// attribute (numbers as strings, exact); this file only draws them.
// Tooltips are drawn on the canvas (renderMode richText): ECharts' HTML
// tooltips carry inline style attributes, which the CSP refuses.
(function () {
  'use strict';
  var colours = { ahead: '#1e7a3c', on_track: '#0b5cad', behind: '#b3261e', no_target: '#9aa5b1' };

  function data(el) {
    try { return JSON.parse(el.getAttribute('data-chart')); } catch (e) { return null; }
  }
  function num(v) { return v === null || v === undefined || v === '' ? null : Number(v); }
  // draw initialises the chart of element id with option(d) for its data
  // d, after height(d) (if given) has sized it: ECharts takes the size
  // of its element once, at init.
  function draw(id, option, height) {
    var el = document.getElementById(id);
    if (!el || typeof echarts === 'undefined') { return; }
    var d = data(el);
    if (!d) { return; }
    if (height) { el.style.height = height(d) + 'px'; } // CSSOM, not an inline style attribute
    var chart = echarts.init(el, null, { renderer: 'canvas' });
    chart.setOption(option(d));
    el.setAttribute('data-rendered', 'true');
    window.addEventListener('resize', function () { chart.resize(); });
  }

  // Progress: each indicator with a target, its year to date as a percent
  // of the target (a bar coloured by its status), and what the share of
  // the year elapsed asks (a mark).
  draw('progress-chart', function (d) {
    var labels = d.labels || [];
    return {
      animation: false,
      tooltip: {
        trigger: 'axis', axisPointer: { type: 'shadow' }, renderMode: 'richText',
        formatter: function (ps) {
          var i = ps[0].dataIndex;
          return labels[i] + '\n' + d.text[i] + '\n' + d.names[0] + ': ' + d.pct[i] + '%\n' + d.names[1] + ': ' + d.expected[i] + '%';
        }
      },
      legend: { top: 0, data: [d.names[0], d.names[1]] },
      grid: { top: 36, left: 200, right: 40, bottom: 30 },
      xAxis: { type: 'value', name: d.names[2], min: 0, max: function (v) { return Math.max(100, Math.ceil(v.max / 10) * 10); }, axisLabel: { formatter: '{value}%' } },
      yAxis: { type: 'category', data: labels, inverse: true },
      series: [
        {
          name: d.names[0], type: 'bar', barMaxWidth: 22,
          data: d.pct.map(function (v, i) { return { value: num(v), itemStyle: { color: colours[d.status[i]] || colours.no_target } }; }),
          label: { show: true, position: 'right', formatter: '{c}%' }
        },
        {
          name: d.names[1], type: 'scatter', symbol: 'rect', symbolSize: [4, 26],
          itemStyle: { color: '#1d2733' }, data: d.expected.map(num)
        }
      ]
    };
  }, function (d) { return Math.max(160, 70 + 30 * (d.labels || []).length); });

  // Trend: the months' values (bars) and, for a flow, the year to date
  // (line, right axis) against the year's target; a stock's months
  // against its target.
  draw('trend-chart', function (d) {
    var n = d.names, series = [], target = num(d.target);
    var mark = target === null ? undefined : {
      symbol: 'none', lineStyle: { type: 'dashed', color: '#a15c00' },
      label: { formatter: n[2] + ' {c}' }, data: [{ yAxis: target, name: n[2] }]
    };
    if (d.flow) {
      series.push({ name: n[0], type: 'bar', data: d.values.map(num), itemStyle: { color: '#9fc2e7' } });
      series.push({ name: n[1], type: 'line', yAxisIndex: 1, data: d.todate.map(num), itemStyle: { color: '#0b5cad' }, markLine: mark });
    } else {
      series.push({ name: n[0], type: 'line', data: d.values.map(num), itemStyle: { color: '#0b5cad' }, markLine: mark });
    }
    var axes = [{ type: 'value', name: n[3], scale: !d.flow }];
    if (d.flow) {
      var top = Math.max.apply(null, d.todate.map(function (v) { return num(v) || 0; }).concat([target || 0]));
      axes.push({ type: 'value', name: n[1], max: top > 0 ? Math.ceil(top * 1.05) : null });
    } else if (target !== null) {
      axes[0].max = function (v) { return Math.max(v.max, target) * 1.05; };
      axes[0].min = function (v) { return Math.min(v.min, target) * 0.95; };
    }
    return {
      animation: false,
      tooltip: { trigger: 'axis', renderMode: 'richText' },
      legend: { top: 0, data: series.map(function (s) { return s.name; }) },
      grid: { top: 40, left: 80, right: d.flow ? 90 : 40, bottom: 40 },
      xAxis: { type: 'category', data: d.months },
      yAxis: axes,
      series: series
    };
  });

  // Divisions: each division's year to date (bars) and its target (marks).
  draw('divisions-chart', function (d) {
    return {
      animation: false,
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, renderMode: 'richText' },
      legend: { top: 0, data: d.names },
      grid: { top: 40, left: 80, right: 30, bottom: 40 },
      xAxis: { type: 'category', data: d.labels },
      yAxis: { type: 'value' },
      series: [
        { name: d.names[0], type: 'bar', data: d.values.map(num), itemStyle: { color: '#0b5cad' }, barMaxWidth: 40 },
        { name: d.names[1], type: 'scatter', symbol: 'rect', symbolSize: [36, 4], data: d.targets.map(num), itemStyle: { color: '#a15c00' } }
      ]
    };
  });

  var buttons = document.querySelectorAll('[data-print]');
  for (var i = 0; i < buttons.length; i++) {
    buttons[i].addEventListener('click', function () { window.print(); });
  }
}());
