/* Milano 0.18: loads Bootstrap Italia's Titillium Web from window.__PUBLIC_PATH__ (set in base.html), and makes
   every [data-m018-print] button print the page (no inline handlers: the Content-Security-Policy forbids them). */
(function () {
  "use strict";
  if (window.bootstrap && typeof window.bootstrap.loadFonts === "function") {
    window.bootstrap.loadFonts();
  }
  document.querySelectorAll("[data-m018-print]").forEach(function (button) {
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
