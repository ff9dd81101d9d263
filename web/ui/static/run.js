// The monthly run's live progress: polls the run's JSON every second and
// moves the bar; when the run ends, reloads the page for its summary.
(function () {
  'use strict';
  var box = document.getElementById('run');
  if (!box || box.getAttribute('data-finished') === 'true') { return; }
  var bar = document.getElementById('run-bar');
  var text = document.getElementById('run-text');
  var url = box.getAttribute('data-progress');
  function poll() {
    fetch(url, { credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
      .then(function (r) { return r.json(); })
      .then(function (p) {
        if (p.finished) { window.location.reload(); return; }
        bar.value = p.percent;
        bar.textContent = p.percent + '%';
        text.textContent = p.text;
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
}());
