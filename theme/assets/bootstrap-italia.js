/* Milano 0.18's Bootstrap Italia script: only the plugins the site's pages use, built from the npm package's own
   sources (the same version as the design-django-theme package's CSS) by `npm run build` (scripts/setup).

   The package's ready-made bundle (js/bootstrap-italia.bundle.min.js) carries every plugin, and with
   ProgressDonut the Shifty tween library, whose module (shifty 2.x, via progressbar.js) starts a
   requestAnimationFrame loop at import that never stops: 60 wake-ups a second on every page, animating or not
   (Shifty's fix, jeremyckahn/shifty#188, is in 3.0.4+; Bootstrap Italia 2.18.x still bundles 2.x).
   A page that starts using another plugin (data-bs-toggle="dropdown", "collapse", a .cookiebar, ...) needs it
   imported and exported here; tests/browser/test_chrome.py checks that an idle page schedules no animation frame. */

import "bootstrap-italia/src/js/plugins/init"; /* keyboard focus outlines (TrackFocus), as the package's bundle */
import loadFonts from "bootstrap-italia/src/js/plugins/fonts-loader";
import Input from "bootstrap-italia/src/js/plugins/input";
import NavBarCollapsible from "bootstrap-italia/src/js/plugins/navbar-collapsible";

/* window.bootstrap, as the package's bundle: theme/js/milano018.js calls loadFonts() and waits for it to exist. */
export { Input, loadFonts, NavBarCollapsible };
