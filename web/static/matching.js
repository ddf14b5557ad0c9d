// The matching review: when a row's mentor changes, ask the server for that pair's score
// and criteria (the rule that scored the proposals) and put them into the row. Without
// this script the row's "Show score" button asks for the same answer as a page.
(function () {
  "use strict";
  function update(select) {
    var form = select.form;
    var row = select.closest("tr");
    var mentee = select.getAttribute("data-mentee");
    if (!form || !row || !mentee) { return; }
    var url = new URL(form.getAttribute("data-pair-url"), window.location.href);
    url.searchParams.set("show", mentee);
    url.searchParams.set("change-" + mentee, select.value);
    row.setAttribute("aria-busy", "true");
    fetch(url.toString(), { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      })
      .then(function (text) {
        var found = new DOMParser().parseFromString(text, "text/html").querySelector("tr[data-pair]");
        if (!found) { return; }
        ["td.score", "td.why"].forEach(function (cell) {
          var fresh = found.querySelector(cell);
          var old = row.querySelector(cell);
          if (fresh && old) { old.replaceWith(document.importNode(fresh, true)); }
        });
        row.setAttribute("data-scored-with", select.value);
        var told = form.querySelector("[data-pair-status]");
        var score = found.querySelector("td.score");
        var chosen = select.options[select.selectedIndex];
        if (told && score && chosen) {
          told.textContent = "Score with " + chosen.text.replace(/^\d+\. /, "").split(":")[0] +
            ": " + score.textContent.trim();
        }
      })
      .catch(function () {
        // Scored by the server without script instead: show the row's button again.
        var button = row.querySelector("button.show-score");
        if (button) { button.hidden = false; }
      })
      .then(function () { row.removeAttribute("aria-busy"); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form.matching[data-pair-url]");
    if (!form) { return; }
    form.querySelectorAll("button.show-score").forEach(function (b) { b.hidden = true; });
    form.addEventListener("change", function (event) {
      var target = event.target;
      if (target && target.tagName === "SELECT") { update(target); }
    });
  });
})();
