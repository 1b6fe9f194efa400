"""/hours as the volunteer reads it: totals, this year and month, outcomes, organizations and milestones."""

from __future__ import annotations

from bot.i18n import Translator
from bot.services.hours import Milestone, Period, Record
from bot.store.reports import METRICS
from bot.store.shifts import Shift
from handlers.followup_views import metric_label
from handlers.shift_views import esc, when


def hours_text(t: Translator, hours: float) -> str:
    return t.number(round(hours, 1))


def _line(t: Translator, label: str, period: Period) -> str:
    return f"{label} " + t._("shifts: {shifts} · hours: {hours}").format(
        shifts=t.number(period.shifts), hours=hours_text(t, period.hours)
    )


def milestone_text(t: Translator, milestone: Milestone) -> str:
    names = {
        Milestone.FIRST_SHIFT: t._("Your first shift"),
        Milestone.TEN_HOURS: t._("10 hours volunteered"),
        Milestone.FIVE_IN_A_MONTH: t._("5 shifts in one month"),
    }
    return names[milestone]


LED_SHOWN = 5  # the latest shifts they lead, named under the count


def _led(t: Translator, led: list[Shift], led_count: int) -> list[str]:
    """Being a shift lead: how many shifts, and the latest of them."""
    if not led_count:
        return []
    lines = ["", "⭐ <b>" + t._("Shift lead") + "</b>",
             t.ngettext("You lead {count} shift.", "You lead {count} shifts.", led_count).format(
                 count=t.number(led_count))]
    lines += [f"• {esc(shift.title)} — {esc(when(t, shift))}" for shift in led]
    return lines


def my_hours(t: Translator, record: Record, led: list[Shift] | None = None, led_count: int = 0) -> str:
    """Totals, outcomes, organizations and milestones; then the shifts they lead, if any."""
    lines = ["⏱ <b>" + t._("My hours") + "</b>", ""]
    if not record.all_time.shifts:
        lines.append(t._("No attended shifts yet. Find one with /shifts — your hours will add up here."))
        return "\n".join(lines + _led(t, led or [], led_count))
    lines.append(_line(t, "<b>" + t._("All time:") + "</b>", record.all_time))
    lines.append(_line(t, t._("This year:"), record.this_year))
    lines.append(_line(t, t._("This month:"), record.this_month))
    outcomes = [
        f"{metric_label(t, m)}: {t.number(record.all_time.outcome(m))}" for m in METRICS if record.all_time.outcome(m)
    ]
    if outcomes:
        lines += ["", "<b>" + t._("What you did") + "</b>", *outcomes]
    lines += ["", "<b>" + t._("By organization") + "</b>"]
    for org in record.all_time.orgs:
        lines.append(
            f"• {esc(org.org_name)}: "
            + t._("shifts: {shifts} · hours: {hours}").format(
                shifts=t.number(org.shifts), hours=hours_text(t, org.hours)
            )
        )
    if record.milestones:
        lines += ["", "<b>" + t._("Milestones") + "</b>"]
        lines += ["🎉 " + milestone_text(t, m) for m in record.milestones]
    return "\n".join(lines + _led(t, led or [], led_count))


def celebration(t: Translator, milestone: Milestone) -> str:
    return (
        "🎉 "
        + t._("Milestone reached: <b>{milestone}</b>! Thank you for showing up for your community.").format(
            milestone=esc(milestone_text(t, milestone))
        )
        + "\n"
        + t._("See everything you've done with /hours.")
    )
