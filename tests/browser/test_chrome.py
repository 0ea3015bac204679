"""The site chrome in a real browser: skip links, the mobile menu, the language switch, fonts, the 404 page."""

import re

import pytest

from tests.browser.axe import assert_accessible
from tests.browser.conftest import MOBILE
from tests.browser.navigation import follow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_first_tab_reaches_the_skip_link_which_moves_focus_to_the_content(page, small_site):
    page.goto("/")
    page.keyboard.press("Tab")
    skip_link = page.locator(":focus")
    assert skip_link.inner_text() == "Vai al contenuto principale"
    assert skip_link.is_visible()
    page.keyboard.press("Enter")
    # The jump is a same-page navigation: on a busy machine it lands a moment after the key press.
    page.wait_for_function("location.hash === '#main-content'", timeout=5000)
    assert page.url.endswith("#main-content")
    assert page.evaluate("document.activeElement.id") == "main-content"


#: Whether the main menu's last Bootstrap Italia event (`shown` or `hidden`, each sent when its slide is over) is
#: the one given; the listener is added by `LISTEN_TO_MENU` as the page loads.
MENU_SETTLED = "(name) => window.__m018MenuEvent === name"
LISTEN_TO_MENU = """document.addEventListener("DOMContentLoaded", () => {
  for (const name of ["shown", "hidden"]) {
    document.getElementById("main-menu").addEventListener(`${name}.bs.navbarcollapsible`, () => {
      window.__m018MenuEvent = name;
    });
  }
});"""


def test_mobile_menu_opens_and_closes(page, small_site):
    page.set_viewport_size(MOBILE)
    page.add_init_script(LISTEN_TO_MENU)
    page.goto("/")
    toggler = page.get_by_role("button", name="Mostra o nascondi il menu")
    first_item = page.locator("#main-menu .nav-link").first
    assert toggler.is_visible()
    assert first_item.is_hidden()

    toggler.click()
    first_item.wait_for(state="visible")
    assert toggler.get_attribute("aria-expanded") == "true"
    # The menu slides in; Bootstrap Italia ignores a tap on «Chiudi il menu» until it is in (a person sees it move
    # and waits): the test waits for the menu's `shown` event, as it waits for `hidden` after closing it.
    page.wait_for_function(MENU_SETTLED, arg="shown")
    assert_accessible(page, "home page, mobile menu open")

    page.get_by_role("button", name="Chiudi il menu").click()
    first_item.wait_for(state="hidden")
    page.wait_for_function(MENU_SETTLED, arg="hidden")
    assert toggler.get_attribute("aria-expanded") == "false"


def test_a_tap_on_the_menu_button_before_the_scripts_have_run_opens_the_menu(page, small_site):
    """On a slow phone the header shows before Bootstrap Italia's script (last in the page) has run: a tap on the
    menu button meanwhile is not lost. The script is held back until after the tap."""
    held = []
    page.route(re.compile(r"/bootstrap-italia\.min(\.\w+)?\.js$"), lambda route: held.append(route))
    page.set_viewport_size(MOBILE)
    with page.expect_request(re.compile(r"/bootstrap-italia\.min(\.\w+)?\.js$")):
        page.goto("/", wait_until="commit")
    toggler = page.get_by_role("button", name="Mostra o nascondi il menu")
    toggler.click()
    assert page.evaluate("typeof window.bootstrap") == "undefined"  # the tap came before the script
    assert len(held) == 1
    held[0].continue_()
    page.locator("#main-menu .nav-link").first.wait_for(state="visible")
    assert toggler.get_attribute("aria-expanded") == "true"


#: Counts the animation-frame callbacks the page's own scripts run (window.__m018Frames): requestAnimationFrame is
#: wrapped before any of them runs (test only; the site's scripts are served as they are).
COUNT_ANIMATION_FRAMES = """window.__m018Frames = 0;
const requestFrame = window.requestAnimationFrame.bind(window);
window.requestAnimationFrame = (callback) => requestFrame((time) => {
  window.__m018Frames += 1;
  callback(time);
});"""
#: The frames run in one second of a page left alone, once its fonts are in and it has painted.
FRAMES_IN_AN_IDLE_SECOND = """async () => {
  await document.fonts.ready;
  await new Promise((done) => setTimeout(done, 200));
  const before = window.__m018Frames;
  await new Promise((done) => setTimeout(done, 1000));
  return window.__m018Frames - before;
}"""


@pytest.mark.parametrize("size", ["mobile", "desktop"])
def test_a_page_left_alone_asks_for_no_animation_frames(page, small_site, size):
    """A page nobody touches does no work: no script keeps asking for animation frames. Bootstrap Italia's own
    bundle did, 60 times a second on every page (its Shifty tween library's loop, started at import; the site now
    builds its own script, theme/assets/): a phone woken up for nothing, a CPU busy for nothing in every open tab.
    The menu's slide (mobile) runs its frames and then stops too."""
    if size == "mobile":
        page.set_viewport_size(MOBILE)
    page.add_init_script(COUNT_ANIMATION_FRAMES)
    page.add_init_script(LISTEN_TO_MENU)
    page.goto("/")
    assert page.evaluate("typeof window.bootstrap.NavBarCollapsible") == "function"  # Bootstrap Italia's script ran
    assert page.evaluate(FRAMES_IN_AN_IDLE_SECOND) == 0
    if size == "mobile":
        page.get_by_role("button", name="Mostra o nascondi il menu").click()
        page.wait_for_function(MENU_SETTLED, arg="shown")
        assert page.evaluate(FRAMES_IN_AN_IDLE_SECOND) == 0


def test_language_switch_shows_the_english_interface_and_back(page, small_site):
    page.goto("/")
    follow(page.get_by_role("button", name="English"), re.compile(r"^http://[^/]+/en/$"))
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator(".skiplinks a").first.inner_text() == "Skip to main content"
    assert page.get_by_role("navigation", name="Main menu").is_visible()
    assert_accessible(page, "home page in English")

    # Not "wait for a URL ending in /": the English home's does too, and the check would read the page being left.
    follow(page.get_by_role("button", name="Italiano"), re.compile(r"^http://[^/]+/$"))
    assert page.locator("html").get_attribute("lang") == "it"


def test_titillium_web_is_loaded_from_the_theme_package(page, small_site):
    page.goto("/")
    loaded = page.evaluate(
        """document.fonts.ready.then(() =>
             [...document.fonts].filter((f) => f.family.includes("Titillium Web") && f.status === "loaded").length)"""
    )
    assert loaded > 0
    assert "Titillium Web" in page.evaluate("getComputedStyle(document.body).fontFamily")


def test_not_found_page_is_in_italian_and_accessible(page, small_site):
    response = page.goto("/non-esiste/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Pagina non trovata"
    assert_accessible(page, "404 page")


def test_print_shows_the_content_without_the_navigation(page, small_site):
    page.goto("/")
    page.emulate_media(media="print")
    assert page.locator("header.it-header-wrapper").is_hidden()
    assert page.locator("footer.it-footer").is_hidden()
    assert page.locator(".m018-print-only").is_visible()
    assert page.locator("main h1").is_visible()
