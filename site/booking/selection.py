"""The family's selection of services («La tua selezione»): in the session, and saved on the guardian.

The session holds the working copy; every change is also written to `Guardian.saved_selection`, and signing in
merges the saved selection back into the new session (`restore_on_sign_in`, connected to allauth's and Django's
`user_logged_in`). So signing out and back in, or on another device, keeps the selection. A user without a family
profile keeps a session-only selection.
"""

from booking.models import Guardian

SESSION_KEY = "booking_basket"
#: At most this many services in a selection (the page and the request form stay short).
MAX_SERVICES = 20


def _clean(ids) -> list[int]:
    """Distinct positive ints, in order; anything else in a session or a saved row is dropped."""
    seen: list[int] = []
    for value in ids or ():
        try:
            number = int(value)
        except (TypeError, ValueError):
            continue
        if number > 0 and number not in seen:
            seen.append(number)
    return seen[:MAX_SERVICES]


def current(request) -> list[int]:
    """The service ids in this visitor's selection, in the order added."""
    return _clean(request.session.get(SESSION_KEY, []))


def store(request, ids, user=None) -> list[int]:
    """Replace the selection (session, and the saved copy of `user`'s guardian: by default the signed-in user's);
    returns the ids kept."""
    ids = _clean(ids)
    request.session[SESSION_KEY] = ids
    user = user or getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        Guardian.objects.filter(user=user).update(saved_selection=ids)
    return ids


def restore_on_sign_in(sender, request, user, **kwargs) -> None:
    """On sign-in: the selection made before signing in first, then the saved one; both places updated."""
    if request is None or not hasattr(request, "session"):
        return
    saved = Guardian.objects.filter(user=user).values_list("saved_selection", flat=True).first()
    if saved is None:
        return
    store(request, [*current(request), *saved], user=user)
