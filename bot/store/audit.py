"""The audit log: role changes and destructive actions, who did them and when."""

from __future__ import annotations

import json
from typing import Any

from bot.db import Transaction


async def record(
    tx: Transaction,
    *,
    actor_id: int | None,
    action: str,
    now: int,
    org_id: int | None = None,
    subject: str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    await tx.execute(
        "INSERT INTO audit_log (at, actor_id, org_id, action, subject, details) VALUES (?, ?, ?, ?, ?, ?)",
        (now, actor_id, org_id, action, subject, json.dumps(details or {}, ensure_ascii=False)),
    )
