"""Signals that let a lower layer tell a higher one that something happened, without importing it."""

from django.dispatch import Signal

#: Sent (with `sender` = the app label, e.g. "vouchercall", "settlement") after a decision that changes the
#: monitoring's figures: a ranking published, a statement approved or paid. The monitoring recomputes its
#: aggregate tables once the sender's transaction commits.
figures_changed = Signal()
