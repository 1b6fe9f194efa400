"""Reminder planning: lead times, personal choices, quiet hours in the volunteer's own zone."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.services.reminders import adjust_for_quiet_hours, in_quiet_hours, reminder_times
from bot.store.people import Person
from bot.store.shifts import Shift
from tests.factories import POLICY

LA = ZoneInfo("America/Los_Angeles")
QUIET = (time(21, 0), time(8, 0))


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in Los Angeles in December 2026, as UTC."""
    return datetime(2026, 12, day, hour, minute, tzinfo=LA).astimezone(UTC)


def shift(starts: datetime) -> Shift:
    return Shift(
        id=1,
        org_id=1,
        org_name="O",
        org_slug="o",
        title="T",
        kind="canvass",
        description="",
        place_name=None,
        address=None,
        latitude=None,
        longitude=None,
        online_url=None,
        region="CA",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        timezone="America/Los_Angeles",
        capacity=5,
        signup_deadline=None,
        status="published",
        cancel_reason=None,
        confirmed_count=0,
        waitlist_count=0,
    )


PERSON = Person(
    id=1,
    telegram_id=1,
    first_name="A",
    last_name=None,
    username=None,
    display_name=None,
    telegram_language="en",
    locale=None,
    timezone="America/Los_Angeles",
    phone=None,
    state="CA",
    zip=None,
    city=None,
    consent_at=0,
    onboarding_step=None,
    remind_24h=True,
    remind_2h=True,
    messages_enabled=True,
    status="active",
    created_at=0,
    updated_at=0,
)


def test_quiet_hours_cross_midnight() -> None:
    assert in_quiet_hours(datetime(2026, 12, 1, 22, 0, tzinfo=LA), QUIET)
    assert in_quiet_hours(datetime(2026, 12, 1, 7, 59, tzinfo=LA), QUIET)
    assert not in_quiet_hours(datetime(2026, 12, 1, 8, 0, tzinfo=LA), QUIET)
    assert not in_quiet_hours(datetime(2026, 12, 1, 20, 59, tzinfo=LA), QUIET)


def test_default_reminders_24h_and_2h_before() -> None:
    plan = reminder_times(shift(at(10, 14)), PERSON, POLICY, at(1, 12))
    assert plan == [(86400, at(9, 14)), (7200, at(10, 12))]


def test_a_reminder_in_quiet_hours_moves_to_just_before_they_begin() -> None:
    # Shift at 07:30: 24 h before is 07:30 the day before (quiet) → 20:59 two evenings before;
    # 2 h before is 05:30 (quiet) → 20:59 the evening before.
    plan = reminder_times(shift(at(10, 7, 30)), PERSON, POLICY, at(1, 12))
    assert plan == [(86400, at(8, 20, 59)), (7200, at(9, 20, 59))]


def test_when_before_quiet_hours_is_past_it_moves_to_their_end_but_never_past_the_start() -> None:
    planned_at = at(9, 23, 0)  # signed up late at night
    starts = at(10, 9, 0)
    due = adjust_for_quiet_hours(starts - timedelta(hours=2), starts, LA, QUIET, planned_at)
    assert due == at(10, 8, 0)
    early = at(10, 7, 30)
    assert adjust_for_quiet_hours(early - timedelta(hours=2), early, LA, QUIET, planned_at) is None


def test_reminders_pushed_together_are_merged() -> None:
    # Signed up at 22:00 for a 10:00 shift: 24 h is past; 2 h (08:00) is fine on its own.
    plan = reminder_times(shift(at(10, 10)), PERSON, POLICY, at(9, 22))
    assert plan == [(7200, at(10, 8))]


def test_personal_choices_and_the_readers_zone() -> None:
    only_day_before = replace(PERSON, remind_2h=False)
    assert [lead for lead, _ in reminder_times(shift(at(10, 14)), only_day_before, POLICY, at(1, 12))] == [
        86400
    ]
    nothing = replace(PERSON, remind_2h=False, remind_24h=False)
    assert reminder_times(shift(at(10, 14)), nothing, POLICY, at(1, 12)) == []
    # A volunteer in Seoul joining a shift at 14:00 Los Angeles (07:00 in Seoul): 2 h before is 05:00 Seoul.
    seoul = replace(PERSON, timezone="Asia/Seoul")
    plan = dict(reminder_times(shift(at(10, 14)), seoul, POLICY, at(1, 12)))
    assert plan[7200].astimezone(ZoneInfo("Asia/Seoul")).time() == time(20, 59)


def test_network_leads_come_from_configuration() -> None:
    policy = replace(POLICY, leads=(3600,))
    assert reminder_times(shift(at(10, 14)), PERSON, policy, at(1, 12)) == [(3600, at(10, 13))]
