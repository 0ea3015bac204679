/* Milano 0.18: loads Bootstrap Italia's Titillium Web from window.__PUBLIC_PATH__ (set in base.html). */
(function () {
  "use strict";
  if (window.bootstrap && typeof window.bootstrap.loadFonts === "function") {
    window.bootstrap.loadFonts();
  }
})();
