// The pension estimate's chart: the account at retirement (bars) and the
// monthly pension (line) for each retirement age of the flexible window.
// The server computes the series with rules/ and passes them as JSON in
// the chart element's data-chart attribute; this file only draws them.
(function () {
  'use strict';
  var el = document.getElementById('pension-chart');
  if (!el || typeof echarts === 'undefined') { return; }
  var d;
  try { d = JSON.parse(el.getAttribute('data-chart')); } catch (e) { return; }
  var pts = d.points || [];
  var num = function (s) { return s === undefined || s === '' ? null : Number(s); };
  var chart = echarts.init(el, null, { renderer: 'canvas' });
  chart.setOption({
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { top: 0, data: [d.account, d.pension] },
    grid: { top: 60, left: 70, right: 70, bottom: 50 },
    xAxis: { type: 'category', name: d.age, nameLocation: 'middle', nameGap: 30, data: pts.map(function (p) { return p.label; }) },
    yAxis: [
      { type: 'value', name: d.account + ' (' + d.yuan + ')' },
      { type: 'value', name: d.pension + ' (' + d.yuan + ')', position: 'right' }
    ],
    series: [
      { name: d.account, type: 'bar', data: pts.map(function (p) { return { value: num(p.account), itemStyle: p.chosen ? { color: '#0b5cad' } : { color: '#9fc2e7' } }; }) },
      { name: d.pension, type: 'line', yAxisIndex: 1, connectNulls: false, symbolSize: 8, data: pts.map(function (p) { return num(p.pension); }), itemStyle: { color: '#d9822b' } }
    ]
  });
  el.setAttribute('data-rendered', 'true');
  window.addEventListener('resize', function () { chart.resize(); });
}());
