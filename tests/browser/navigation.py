"""`follow(locator, url)`: the browser tests' one way to act on a link or a form and go on on the page it opens.

Playwright's click (or key press) returns once the event is dispatched, not when the navigation it starts is over: a
check made straight after it reads the old document, or one being torn down (axe-core once ran while the document was
replaced: "Cannot read properties of null (reading 'documentElement')"). Waiting for an element of the new page is not
enough either when the old page has it too, or before the new page's scripts have run. `follow` waits for the
navigation the action starts (set up before the action, so it cannot be missed) and for the new document's `load`
event; a navigation that does not come, or lands elsewhere than `url`, fails the test.
"""

import re

#: What `url` may be: a glob ("**/famiglia/"), a compiled pattern (searched in the whole URL) or a predicate.
UrlMatcher = str | re.Pattern | None


def follow(locator, url: UrlMatcher = None, *, press: str | None = None) -> None:
    """Click `locator` (or press the key `press` in it, e.g. "Enter" in a search box) and wait until the document
    this opens has loaded. `url`: where the person must land (after the server's redirects); None accepts any URL.

    Raises playwright's TimeoutError when no navigation to `url` comes within the context's default timeout.
    """
    with locator.page.expect_navigation(url=url):
        if press:
            locator.press(press)
        else:
            locator.click()
