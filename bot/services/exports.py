"""Exports for coordinators: which organizations they may export, and the periods they can choose."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.clock import to_ts
from bot.db import Database
from bot.services.authz import Actor
from bot.store import exports
from bot.store.exports import CheckinLogRow, HoursRow, SignupRow

PERIODS = ("30", "tm", "lm", "all")  # last 30 days, this month, last month, all time


def org_scope(actor: Actor) -> frozenset[int] | None:
    """The organizations whose data this person may export; None for all (network admins)."""
    return None if actor.is_network_admin else actor.coordinated_org_ids


def _month_start(day: date) -> date:
    return day.replace(day=1)


def period_bounds(period: str, now: datetime, tz: ZoneInfo) -> tuple[int | None, int | None]:
    """[start, end) in Unix seconds, months as the reader's calendar has them; None is open."""
    today = now.astimezone(tz).date()

    def midnight(day: date) -> int:
        return to_ts(datetime.combine(day, time(0), tzinfo=tz))

    if period == "30":
        return to_ts(now - timedelta(days=30)), to_ts(now)
    if period == "tm":
        first = _month_start(today)
        return midnight(first), midnight(_month_start(first + timedelta(days=32)))
    if period == "lm":
        this_month = _month_start(today)
        return midnight(_month_start(this_month - timedelta(days=1))), midnight(this_month)
    return None, None


async def signups(db: Database, actor: Actor, period: str, now: datetime, tz: ZoneInfo) -> list[SignupRow]:
    start, end = period_bounds(period, now, tz)
    return await exports.signups(db, org_scope(actor), start, end)


async def hours(db: Database, actor: Actor, period: str, now: datetime, tz: ZoneInfo) -> list[HoursRow]:
    """Hours over shifts that have started by now: an upcoming shift has no hours yet."""
    start, end = period_bounds(period, now, tz)
    end = to_ts(now) if end is None else min(end, to_ts(now))
    return await exports.hours(db, org_scope(actor), start, end)


async def checkin_log(db: Database, actor: Actor, period: str, now: datetime, tz: ZoneInfo) -> list[CheckinLogRow]:
    """The check-in log of the organizations' shifts starting in the period."""
    start, end = period_bounds(period, now, tz)
    return await exports.checkin_log(db, org_scope(actor), start, end)
