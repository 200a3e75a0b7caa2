// smtp-doctor relay console: progressive enhancement only; every page works without it.
// - <time datetime="..."> shown in the browser's time zone (the page says UTC otherwise);
// - pages with <body data-refresh="N"> refresh their live part every N seconds, without a
//   full reload, while the tab is visible and no form field has the focus;
// - forms with data-confirm ask first.
(function () {
  'use strict';

  function localTimes(root) {
    root.querySelectorAll('time[datetime]').forEach(function (t) {
      var d = new Date(t.getAttribute('datetime'));
      if (!isNaN(d.getTime())) {
        t.title = t.getAttribute('datetime');
        t.textContent = d.toLocaleString();
      }
    });
  }

  function liveRoot(doc) {
    return doc.querySelector('#live') || doc.querySelector('main');
  }

  function refresh() {
    var active = document.activeElement;
    if (document.visibilityState !== 'visible' ||
        (active && /^(INPUT|SELECT|TEXTAREA)$/.test(active.tagName))) {
      return;
    }
    fetch(window.location.href, {credentials: 'same-origin', headers: {'Accept': 'text/html'}})
      .then(function (r) {
        if (!r.ok || r.redirected) { throw new Error('stop'); }
        return r.text();
      })
      .then(function (html) {
        var next = liveRoot(new DOMParser().parseFromString(html, 'text/html'));
        var here = liveRoot(document);
        if (next && here && next.innerHTML !== here.innerHTML) {
          here.innerHTML = next.innerHTML;
          localTimes(here);
          confirms(here);
        }
      })
      .catch(function () { /* the next tick tries again; a redirect (logged out) stops nothing worse */ });
  }

  function confirms(root) {
    root.querySelectorAll('form[data-confirm]').forEach(function (f) {
      f.addEventListener('submit', function (e) {
        if (!window.confirm(f.getAttribute('data-confirm'))) { e.preventDefault(); }
      });
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    localTimes(document);
    confirms(document);
    var every = parseInt(document.body.getAttribute('data-refresh') || '0', 10);
    if (every > 0) {
      window.setInterval(refresh, every * 1000);
    }
  });
})();
