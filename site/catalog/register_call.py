"""The call (avviso) the register form belongs to: its submission windows open and close the form.

The calls are minisite pages, a layer above the catalogue, so the catalogue never imports them: the calls app
gives a source from its AppConfig.ready (`register_call_source`), and the form asks `current_register_call()`.
With no source, or no call marked as the register's, the form is closed (the rule of the seed's call: applications
are made only in the windows published on the call's page, until its deadline).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone


@dataclass(frozen=True)
class SubmissionWindow:
    """One submission window: `opens_at` included, `closes_at` excluded (aware datetimes, shown in Europe/Rome)."""

    label: str
    opens_at: datetime
    closes_at: datetime


@dataclass(frozen=True)
class RegisterCall:
    """The register's call as the form needs it: the call page (id, title, url), the window open now (or None)
    and the next one to open (or None when none is published before the call's deadline)."""

    page_id: int
    title: str
    url: str
    current: SubmissionWindow | None
    upcoming: SubmissionWindow | None

    @property
    def is_open(self) -> bool:
        return self.current is not None


RegisterCallSource = Callable[[datetime], RegisterCall | None]
_sources: list[RegisterCallSource] = []


def register_call_source(source: RegisterCallSource) -> None:
    """Let the app that publishes calls (from its AppConfig.ready) say which call the register form belongs to:
    `source(now)` answers the RegisterCall that stands at `now`, or None. Registering the same source twice
    keeps one."""
    if source not in _sources:
        _sources.append(source)


def current_register_call(now: datetime | None = None) -> RegisterCall | None:
    """The register's call at `now` (default: the current time): the first answer of the registered sources."""
    now = now or timezone.now()
    for source in _sources:
        call = source(now)
        if call is not None:
            return call
    return None
