"""Acting once on a confirm, however many times it is pressed.

A handler that sends, cancels or publishes what a person prepared in a dialogue hands the service a
`Claim`: it moves the dialogue on inside the service's own write transaction, before any effect. Of
two presses (two taps in one batch of updates, or a redelivery after a crash) only the first finds the
dialogue as it was; the second raises `AlreadyDone`, and nothing of its transaction is written. When
the effect fails, the rollback leaves the dialogue as it was.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.db import Transaction

Claim = Callable[[Transaction], Awaitable[bool]]


class AlreadyDone(Exception):
    """Another press (or an earlier delivery of this one) has done it already."""


async def claimed(tx: Transaction, claim: Claim | None) -> None:
    if claim is not None and not await claim(tx):
        raise AlreadyDone
