/* Milano 0.18: loads Bootstrap Italia's Titillium Web from window.__PUBLIC_PATH__ (set in base.html), opens the menu
   for a tap on its button made before Bootstrap Italia's script had run (base.html keeps it), and makes every
   [data-m018-print] button print the page (no inline handlers: the Content-Security-Policy forbids them). */
(function () {
  "use strict";
  if (window.bootstrap && typeof window.bootstrap.loadFonts === "function") {
    window.bootstrap.loadFonts();
  }
  var earlyToggle = window.__m018EarlyToggle;
  if (earlyToggle && window.bootstrap) {
    window.__m018EarlyToggle = null;
    earlyToggle.click(); /* Bootstrap Italia's own handler answers it now, as it answers any later tap */
  }
  document.querySelectorAll("[data-m018-print]").forEach(function (button) {
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
