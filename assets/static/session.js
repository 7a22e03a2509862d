// Session warning (progressive enhancement; every page works without it). Shows a notice
// shortly before the idle time-out and extends the session in the background, so that
// nothing typed on the current page is lost. Without JavaScript the session bar names the
// end time, and on a form step the form's own "extend" button saves the step.
(function () {
  'use strict';
  var bar = document.getElementById('sitzung');
  if (!bar || !window.fetch) { return; }
  var ends = Number(bar.getAttribute('data-idle-ends'));
  var warnMs = Number(bar.getAttribute('data-warn-ms'));
  var box = document.getElementById('sitzung-warnung');
  var text = document.getElementById('sitzung-warnung-text');
  var endLabel = bar.querySelector('.session-end');
  var timer = null;

  function show(kind) {
    text.textContent = text.getAttribute(kind === 'ended' ? 'data-text-ended' : 'data-text-warn');
    box.hidden = false;
  }

  function schedule() {
    if (timer) { clearTimeout(timer); }
    var now = Date.now();
    if (now >= ends) { show('ended'); return; }
    if (now >= ends - warnMs) {
      show('warn');
      timer = setTimeout(schedule, Math.max(1000, ends - now));
      return;
    }
    box.hidden = true;
    timer = setTimeout(schedule, ends - warnMs - now);
  }

  function extend(event) {
    event.preventDefault();
    var body = new URLSearchParams();
    body.set('_csrf', bar.getAttribute('data-csrf'));
    fetch(bar.getAttribute('data-extend'), {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Accept': 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: body.toString()
    }).then(function (r) {
      if (!r.ok) { throw new Error('ended'); }
      return r.json();
    }).then(function (j) {
      ends = Number(j.idle_ends);
      var d = new Date(ends);
      if (endLabel) {
        endLabel.textContent = endLabel.textContent.replace(/\d{1,2}:\d{2}/, ('0' + d.getHours()).slice(-2) + ':' + ('0' + d.getMinutes()).slice(-2));
      }
      schedule();
    }).catch(function () { show('ended'); });
  }

  var buttons = document.querySelectorAll('#sitzung form[action$="/sitzung"] button, #step-form button[value="verlaengern"]');
  for (var i = 0; i < buttons.length; i++) { buttons[i].addEventListener('click', extend); }
  schedule();
}());
