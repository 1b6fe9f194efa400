"""The live_question table: per person, the message whose buttons answer the question they are at."""

from __future__ import annotations

from bot.db import Database


async def swap(db: Database, person_id: int, chat_id: int, message_id: int | None) -> tuple[int, int] | None:
    """Makes `message_id` the live question (None: there is none) and returns the one it replaces,
    as (chat id, message id), or None."""
    async with db.transaction() as tx:
        old = await tx.fetchone("SELECT chat_id, message_id FROM live_question WHERE person_id = ?", (person_id,))
        if message_id is None:
            await tx.execute("DELETE FROM live_question WHERE person_id = ?", (person_id,))
        else:
            await tx.execute(
                "INSERT INTO live_question (person_id, chat_id, message_id) VALUES (?, ?, ?)"
                " ON CONFLICT (person_id) DO UPDATE SET chat_id = excluded.chat_id, message_id = excluded.message_id",
                (person_id, chat_id, message_id),
            )
    return None if old is None else (int(old["chat_id"]), int(old["message_id"]))
