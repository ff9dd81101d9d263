// The indicators' income chart: billed and paid contributions per month
// (bars). The server sums the months and passes them as JSON in the chart
// element's data-chart attribute; this file only draws them.
(function () {
  'use strict';
  var el = document.getElementById('income-chart');
  if (!el || typeof echarts === 'undefined') { return; }
  var d;
  try { d = JSON.parse(el.getAttribute('data-chart')); } catch (e) { return; }
  var ms = d.months || [];
  var chart = echarts.init(el, null, { renderer: 'canvas' });
  chart.setOption({
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { top: 0, data: [d.billed, d.paid] },
    grid: { top: 40, left: 90, right: 30, bottom: 40 },
    xAxis: { type: 'category', data: ms.map(function (m) { return m.label; }) },
    yAxis: { type: 'value', name: d.yuan },
    series: [
      { name: d.billed, type: 'bar', data: ms.map(function (m) { return Number(m.billed); }), itemStyle: { color: '#9fc2e7' } },
      { name: d.paid, type: 'bar', data: ms.map(function (m) { return Number(m.paid); }), itemStyle: { color: '#0b5cad' } }
    ]
  });
  el.setAttribute('data-rendered', 'true');
  window.addEventListener('resize', function () { chart.resize(); });
}());
