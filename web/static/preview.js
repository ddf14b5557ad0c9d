// The preview's live reload: ask the sandbox every second which version of the
// definition it serves, and reload the page when the file was saved since it was drawn
// (as `mkdocs serve` does). Only in `mentorflow preview`: the live app never loads this.
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="mentorflow-preview-version"]');
  if (!meta) return;
  var shown = meta.getAttribute("content");
  function check() {
    fetch("/preview/version", { cache: "no-store", credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (found) {
        if (found && String(found.version) !== shown) window.location.reload();
      })
      .catch(function () { /* the server restarting: try again next time */ })
      .then(function () { window.setTimeout(check, 1000); });
  }
  window.setTimeout(check, 1000);
})();
