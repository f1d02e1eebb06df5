// The doublure page: one name and token field for every decision form on the page. The token
// is kept for this tab only (sessionStorage), never in a cookie or the address. Without this
// script each form shows its own token field and still works.
(function () {
  "use strict";
  function ready() {
    var token = document.getElementById("decider-token");
    var name = document.getElementById("decider-name");
    if (!token) return;
    var forms = document.querySelectorAll("form.decide");
    try {
      token.value = sessionStorage.getItem("techniekpact-reviewer-token") || "";
      name.value = sessionStorage.getItem("techniekpact-reviewer-name") || "";
    } catch (e) { /* storage refused: the fields start empty */ }
    forms.forEach(function (form) {
      var own = form.querySelector(".own-token");
      if (own) own.hidden = true;
      form.addEventListener("submit", function () {
        form.querySelector("input[name=token]").value = token.value;
        form.querySelector("input[name=who]").value = name.value;
        try {
          sessionStorage.setItem("techniekpact-reviewer-token", token.value);
          sessionStorage.setItem("techniekpact-reviewer-name", name.value);
        } catch (e) { /* not kept: asked again next time */ }
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
