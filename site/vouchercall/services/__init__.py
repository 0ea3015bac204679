"""What families and the «Ufficio voucher» do with a call: apply, edit, withdraw, check ISEE, exclude and reopen
(`applications`); rank, verify and read a family's standing (`rankings`); appeal (`appeals`); grant, renounce and
re-rank (`grants`). Every function takes the actor, raises `VoucherCallError` (a DomainError) on a refusal, changes
nothing when it refuses, and writes its audit entry in the same transaction.

The rest of the site imports the package (`from vouchercall import services`); its modules are split along the
call's phases.
"""

from vouchercall.services.appeals import appeal, decide_appeal
from vouchercall.services.applications import (
    Declaration,
    check_isee,
    exclude,
    protocol_code,
    reopen,
    submit,
    update,
    withdraw,
)
from vouchercall.services.errors import VoucherCallError
from vouchercall.services.grants import committed, grant_final, renounce, rerank
from vouchercall.services.rankings import Standing, Verification, candidates, compute_ranking, standing, verify

__all__ = [
    "Declaration",
    "Standing",
    "Verification",
    "VoucherCallError",
    "appeal",
    "candidates",
    "check_isee",
    "committed",
    "compute_ranking",
    "decide_appeal",
    "exclude",
    "grant_final",
    "protocol_code",
    "renounce",
    "reopen",
    "rerank",
    "standing",
    "submit",
    "update",
    "verify",
    "withdraw",
]
