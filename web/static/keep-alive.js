// Typing keeps a session alive. A session ends after MENTORFLOW_SESSION_IDLE_MINUTES
// without a request, and writing a long answer sends none: so while someone types, the
// page tells the server now and then (at most every five minutes) that they are there.
(function () {
  "use strict";
  if (!document.body || document.body.dataset.signedIn !== "yes") return;
  var EVERY = 5 * 60 * 1000;
  var last = Date.now();  // the page itself was a request
  document.addEventListener("input", function () {
    var now = Date.now();
    if (now - last < EVERY) return;
    last = now;
    fetch("/session/alive", { credentials: "same-origin", cache: "no-store" });
  });
})();
