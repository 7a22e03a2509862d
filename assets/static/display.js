// Live call-up display (progressive enhancement): follows the server-sent events of the
// board and redraws the latest call, the earlier calls and the number waiting. Without
// JavaScript the page reloads itself every 15 seconds instead.
(function () {
  'use strict';
  var root = document.getElementById('anzeige');
  if (!root || !window.EventSource) { return; }
  var label = root.getAttribute('data-label-counter');
  var latest = document.getElementById('aufruf');
  var rows = document.getElementById('aufrufe');
  var waiting = document.getElementById('wartende');
  var none = root.getAttribute('data-label-none');
  var shown = '';

  function span(cls, text) {
    var s = document.createElement('span');
    s.className = cls;
    s.textContent = text;
    return s;
  }

  function draw(board) {
    var calls = board.calls || [];
    var first = calls.length ? calls[0].ticket + '@' + calls[0].at : '';
    if (first !== shown) {
      shown = first;
      latest.textContent = '';
      if (calls.length) {
        latest.appendChild(span('display-ticket', calls[0].ticket));
        latest.appendChild(document.createTextNode(' '));
        var arrow = span('display-arrow', '→');
        arrow.setAttribute('aria-hidden', 'true');
        latest.appendChild(arrow);
        latest.appendChild(document.createTextNode(' '));
        latest.appendChild(span('display-counter', label + ' ' + calls[0].counter));
        root.classList.remove('flash');
        void root.offsetWidth;
        root.classList.add('flash');
      } else {
        latest.textContent = none;
      }
    }
    rows.textContent = '';
    for (var i = 1; i < calls.length; i++) {
      var tr = document.createElement('tr');
      var a = document.createElement('td');
      a.textContent = calls[i].ticket;
      var b = document.createElement('td');
      b.textContent = calls[i].counter;
      tr.appendChild(a);
      tr.appendChild(b);
      rows.appendChild(tr);
    }
    waiting.textContent = String(board.waiting);
    root.setAttribute('data-updated', String(Date.now()));
  }

  // Connect once the page has loaded, so the open stream never holds up its load event.
  function connect() {
    var source = new EventSource(root.getAttribute('data-events'));
    source.addEventListener('board', function (e) {
      try { draw(JSON.parse(e.data)); } catch (err) { /* keep what is shown */ }
    });
  }
  if (document.readyState === 'complete') {
    setTimeout(connect, 0);
  } else {
    window.addEventListener('load', function () { setTimeout(connect, 0); });
  }
})();
