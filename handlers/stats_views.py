"""/stats as coordinators read it: the numbers of the last 12 weeks, and the chart's labels and caption."""

from __future__ import annotations

from bot.charts import WeeklyChart
from bot.i18n import Translator
from bot.services.org_stats import Report, Totals
from bot.services.typed_dates import numeric_date
from bot.store.reports import METRICS
from handlers.followup_views import metric_label
from handlers.shift_views import esc


def _rate(t: Translator, ratio: float | None) -> str:
    return "—" if ratio is None else t.percent(ratio)


def _summary(t: Translator, totals: Totals) -> str:
    return t._(
        "shifts: {shifts} · filled: {fill} · attended: {attendance} · no-shows: {no_shows} · hours: {hours}"
    ).format(
        shifts=t.number(totals.shifts),
        fill=_rate(t, totals.fill_rate),
        attendance=_rate(t, totals.attendance_rate),
        no_shows=t.number(totals.no_shows),
        hours=t.number(round(totals.hours, 1)),
    )


def stats(t: Translator, report: Report) -> str:
    lines = [
        "📊 <b>" + t._("Last 12 weeks") + "</b> · " + t._("since {date}").format(date=t.date(report.since)),
        "",
    ]
    if not report.total.shifts:
        lines.append(t._("No shifts have ended in the last 12 weeks yet."))
        return "\n".join(lines)
    total = report.total
    lines += [
        t._("Shifts held: {count}").format(count=t.number(total.shifts)),
        t._("Fill rate: {rate} ({filled} of {capacity} places)").format(
            rate=_rate(t, total.fill_rate), filled=t.number(total.filled), capacity=t.number(total.capacity)
        ),
        t._("Attendance: {rate} ({attended} came, {no_shows} no-shows)").format(
            rate=_rate(t, total.attendance_rate), attended=t.number(total.attended), no_shows=t.number(total.no_shows)
        ),
        t._("Hours volunteered: {hours}").format(hours=t.number(round(total.hours, 1))),
    ]
    outcomes = [f"{metric_label(t, m)}: {t.number(total.outcomes[m])}" for m in METRICS if total.outcomes[m]]
    if outcomes:
        lines += ["", "<b>" + t._("Outcomes reported") + "</b>", *outcomes]
    if len(report.by_org) > 1 or report.by_state is not None:
        lines += ["", "<b>" + t._("By organization") + "</b>"]
        lines += [f"• {esc(name)}: {_summary(t, totals)}" for name, totals in report.by_org]
    if report.by_state is not None:
        lines += ["", "<b>" + t._("By state") + "</b>"]
        unknown = t._("No state")
        lines += [f"• {esc(state or unknown)}: {_summary(t, totals)}" for state, totals in report.by_state]
    return "\n".join(lines)


def chart(t: Translator, report: Report) -> WeeklyChart:
    return WeeklyChart(
        title=t._("Weekly hours and attendance"),
        week_labels=[t.month_day(w.starts) for w in report.weeks],
        plain_week_labels=[numeric_date(t.locale, w.starts) for w in report.weeks],
        hours=[round(w.hours, 1) for w in report.weeks],
        attended=[w.attended for w in report.weeks],
        hours_label=t._("Hours"),
        attended_label=t._("Volunteers who came"),
    )


def chart_caption(t: Translator, report: Report) -> str:
    return t._("Weekly hours (bars) and volunteers who came (line), weeks starting {date}.").format(
        date=t.date(report.since)
    )
