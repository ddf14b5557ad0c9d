// "Select everyone on this page": one box that ticks or clears every box of the list.
// Without JavaScript the box stays hidden and each person is ticked one by one.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-select-all]").forEach(function (all) {
      var form = all.form;
      var boxes = form.querySelectorAll('input[type="checkbox"][name="' + all.dataset.selectAll + '"]');
      if (!boxes.length) return;
      all.hidden = false;
      function sync() {
        var ticked = Array.prototype.filter.call(boxes, function (b) { return b.checked; }).length;
        all.checked = ticked === boxes.length;
        all.indeterminate = ticked > 0 && ticked < boxes.length;
      }
      all.addEventListener("change", function () {
        boxes.forEach(function (b) { b.checked = all.checked; });
        sync();
      });
      boxes.forEach(function (b) { b.addEventListener("change", sync); });
      sync();
    });
  });
})();
