"""Input checked at the edge: control characters never enter, ids are small numbers or nothing.

- `strip_control_characters(text)` removes the C0 control characters XML 1.0 cannot carry (all but tab, line feed
  and carriage return), NUL included, and DEL. PostgreSQL refuses NUL in text, and one `\\x0b` in a news intro used
  to make the RSS feed a 500.
- `CleanInputMiddleware` applies it to every query-string and form value (and key) before any view or form sees
  them: the public forms, the family area and the Wagtail admin alike.
- An integer in the URL beyond BigAutoField's range is a 404 (SQLite and PostgreSQL would fail on it), and so is an
  admin URL id (`pk`, `*_id`) that is not a number.
- `parse_id(value)` turns a user-supplied id into an int that fits a database key, or None (empty, not ASCII digits,
  5,000 digits...), so a bad id is a 404 or an ignored filter, never a 500.
"""

import re

from django.http import Http404, QueryDict

CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
ADMIN_PREFIX = "/admin/"
ID_PATTERN = re.compile(r"[0-9]{1,18}", re.ASCII)
MAX_ID = 2**63 - 1  # the largest BigAutoField value on PostgreSQL and SQLite


def strip_control_characters(text: str) -> str:
    """`text` without the control characters XML 1.0 forbids (tab, LF and CR stay)."""
    return CONTROL_CHARACTERS.sub("", text) if text else text


def parse_id(value) -> int | None:
    """A database id from user input: 1-18 ASCII digits within BigAutoField's range, else None."""
    text = str(value if value is not None else "").strip()
    if not ID_PATTERN.fullmatch(text):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def _clean(query: QueryDict) -> QueryDict:
    if not any(CONTROL_CHARACTERS.search(key + "".join(values)) for key, values in query.lists()):
        return query
    cleaned = QueryDict(mutable=True, encoding=query.encoding)
    for key, values in query.lists():
        cleaned.setlist(strip_control_characters(key), [strip_control_characters(value) for value in values])
    cleaned._mutable = False
    return cleaned


class CleanInputMiddleware:
    """Strips control characters from request.GET and, for form posts, request.POST (files are left alone);
    an id in the URL too large for any key (`/famiglia/acquisti/99999999999999999999/`) is a 404."""

    FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.GET = _clean(request.GET)
        if request.method == "POST" and request.content_type in self.FORM_TYPES:
            request.POST = _clean(request.POST)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        numbers = [value for value in (*view_args, *view_kwargs.values()) if isinstance(value, int)]
        if any(abs(number) > MAX_ID for number in numbers):
            raise Http404("No such object.")
        if request.path_info.startswith(ADMIN_PREFIX) and any(
            isinstance(value, str) and (name == "pk" or name.endswith("_id")) and parse_id(value) is None
            for name, value in view_kwargs.items()
        ):  # Wagtail's choosers take ids as text and fail on `chosen/x/`; every id here is a number
            raise Http404("No such object.")
        return None
