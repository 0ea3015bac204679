"""The site's own Bootstrap Italia script (theme/assets/, built by scripts/setup) goes with the theme's stylesheet."""

import json
import re
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders


def test_the_script_is_built_from_the_bootstrap_italia_release_of_the_stylesheet():
    """design-django-theme ships Bootstrap Italia's CSS and bundle of one release; package.json pins the npm
    package the site's script is built from to that same release, so markup, styles and behaviour agree. When
    the theme package moves to another release, this fails until package.json (and its lock file) follow."""
    package_bundle = Path(finders.find("js/bootstrap-italia.bundle.min.js")).read_text(encoding="utf-8")
    theme_release = re.search(r'BOOTSTRAP_ITALIA_VERSION="([^"]+)"', package_bundle)[1]
    package_json = json.loads((settings.BASE_DIR / "package.json").read_text(encoding="utf-8"))
    assert package_json["devDependencies"]["bootstrap-italia"] == theme_release

    built = finders.find("theme/js/bootstrap-italia.min.js")
    assert built, "the site's Bootstrap Italia script is not built: run scripts/setup"
    assert f'"{theme_release}"' in Path(built).read_text(encoding="utf-8")
