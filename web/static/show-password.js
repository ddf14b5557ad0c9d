// A "Show password" button beside every password box, so people can check what they
// typed before sending it (NIST SP 800-63B 5.1.1.2, ASVS 2.1.12). Without script the
// boxes work as before.
(function () {
  "use strict";
  document.querySelectorAll('input[type="password"][id]').forEach(function (input) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "link show-password";
    button.textContent = "Show password";
    button.setAttribute("aria-controls", input.id);
    button.setAttribute("aria-pressed", "false");
    button.addEventListener("click", function () {
      var show = input.type === "password";
      input.type = show ? "text" : "password";
      button.setAttribute("aria-pressed", show ? "true" : "false");
      button.textContent = show ? "Hide password" : "Show password";
    });
    input.insertAdjacentElement("afterend", button);
  });
})();
