// Shows and hides fields as answers change, by the same rules the server applies
// (engine/conditions.py): a comparison with a blank answer is false; only
// is_set: false holds for it. The server checks again; this only helps people.
(function () {
  "use strict";

  function valuesOf(form, name) {
    var found = [];
    form.querySelectorAll('[name="' + CSS.escape(name) + '"]').forEach(function (input) {
      if (input.disabled) return;
      if (input.type === "checkbox" || input.type === "radio") {
        if (input.checked) found.push(input.value);
      } else if (input.tagName === "SELECT" && input.multiple) {
        Array.prototype.forEach.call(input.selectedOptions, function (o) { found.push(o.value); });
      } else {
        found.push(input.value);
      }
    });
    return found;
  }

  function answer(form, scope, field) {
    var name = field.indexOf(".") >= 0 ? field.split(".").pop() : field;
    var inputs = scope ? form.querySelectorAll('[name="' + CSS.escape(scope + name) + '"]') : [];
    var key = inputs.length ? scope + name : name;
    var values = valuesOf(form, key);
    var sample = form.querySelector('[name="' + CSS.escape(key) + '"]');
    if (!sample) return null;
    if (sample.type === "checkbox" && !sample.closest(".field-multichoice")) return values.length > 0;
    if (sample.closest(".field-multichoice")) return values;
    return values.length ? values[0] : "";
  }

  function blank(v) { return v === null || v === "" || (Array.isArray(v) && v.length === 0); }

  function same(v, x) {
    if (typeof v === "boolean" || typeof x === "boolean") return v === x;
    if (v !== "" && !isNaN(Number(v)) && typeof x === "number") return Number(v) === x;
    return String(v) === String(x);
  }

  function holds(form, scope, c) {
    if (c.all) return c.all.every(function (s) { return holds(form, scope, s); });
    if (c.any) return c.any.some(function (s) { return holds(form, scope, s); });
    if (c.not) return !holds(form, scope, c.not);
    var v = answer(form, scope, c.field);
    if ("is_set" in c) return !blank(v) === c.is_set;
    if (blank(v)) return false;
    if ("equals" in c) return same(v, c.equals);
    if ("not_equals" in c) return !same(v, c.not_equals);
    if ("in" in c) return c.in.some(function (x) { return same(v, x); });
    if ("not_in" in c) return !c.not_in.some(function (x) { return same(v, x); });
    if ("contains" in c) {
      if (Array.isArray(v)) return v.some(function (x) { return same(x, c.contains); });
      return String(v).toLowerCase().indexOf(String(c.contains).toLowerCase()) >= 0;
    }
    var ops = { lt: function (a, b) { return a < b; }, lte: function (a, b) { return a <= b; },
                gt: function (a, b) { return a > b; }, gte: function (a, b) { return a >= b; } };
    for (var op in ops) {
      if (op in c) {
        var n = Number(v);
        if (typeof c[op] === "number") return !isNaN(n) && ops[op](n, c[op]);
        return ops[op](String(v), String(c[op]));  // ISO dates compare as text
      }
    }
    return false;
  }

  function refresh(form) {
    form.querySelectorAll("[data-show-if]").forEach(function (box) {
      var shown = holds(form, box.getAttribute("data-scope") || "", JSON.parse(box.getAttribute("data-show-if")));
      box.hidden = !shown;
      box.querySelectorAll("input, select, textarea").forEach(function (el) { el.disabled = !shown; });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.generated").forEach(function (form) {
      refresh(form);
      form.addEventListener("input", function () { refresh(form); });
      form.addEventListener("change", function () { refresh(form); });
    });
    var summary = document.getElementById("summary");
    if (summary) summary.focus();
  });
})();
