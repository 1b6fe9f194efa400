"""/broadcast's screens and buttons, apart from the handlers (handlers/broadcast.py) that load, check and
send them. Every button is a codec class under `bc` (handlers/kit/callbacks.py); none carries more than
an id or a language code, and the draft they act on is the person's dialogue row.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.bidi import isolate
from bot.i18n import Translator, available_locales
from bot.services import broadcasts
from bot.services.broadcasts import Busy
from bot.store.broadcasts import Reach, Tally
from bot.store.dialogues import Dialogue
from bot.store.orgs import Org
from bot.vocab import OUTREACH_LANGUAGES, outreach_language_name
from handlers import shift_views as views
from handlers import translation_views as tr_views
from handlers.kit import pickers
from handlers.kit.callbacks import Button

ORG_BUTTONS = 30


@dataclass
class Draft:
    """A broadcast being written, as the dialogue row keeps it (JSON: `of` and `data`)."""

    org_id: int
    languages: list[str] = field(default_factory=list)
    regional: bool = False  # only followers in the organization's state
    text: str | None = None
    texts: dict[str, str] = field(default_factory=dict)  # versions per reader locale (bot/services/versions.py)
    version: str | None = None  # the locale of the version being typed (step 'version')

    @classmethod
    def of(cls, dialogue: Dialogue) -> Draft | None:
        """The draft a dialogue holds (None for one that holds no organization yet, or a broken one)."""
        data = dialogue.data
        org_id, languages, text = data.get("org_id"), data.get("languages", []), data.get("text")
        if not isinstance(org_id, int) or not isinstance(languages, list) or not isinstance(text, str | None):
            return None
        texts, version = data.get("texts") or {}, data.get("version")
        return cls(
            org_id, [c for c in languages if c in OUTREACH_LANGUAGES], bool(data.get("regional")), text,
            {str(k): str(v) for k, v in texts.items()} if isinstance(texts, dict) else {},
            version if isinstance(version, str) else None,
        )

    def data(self) -> dict[str, Any]:
        return asdict(self)


# --- buttons ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PickOrg(Button, prefix="bc:o"):
    org: int


@dataclass(frozen=True)
class Tick(Button, prefix="bc:l"):
    """Ticks (or unticks) a language."""

    language: str


@dataclass(frozen=True)
class Region(Button, prefix="bc:r"):
    """Only (or not only) followers in the organization's state."""


@dataclass(frozen=True)
class Write(Button, prefix="bc:t"):
    """Asks for the message."""


@dataclass(frozen=True)
class Send(Button, prefix="bc:s"):
    pass


@dataclass(frozen=True)
class Filters(Button, prefix="bc:b"):
    """Back to the filters."""


@dataclass(frozen=True)
class Cancel(Button, prefix="bc:x"):
    pass


@dataclass(frozen=True)
class AddVersion(Button, prefix="bc:v"):
    """Which language to write the message in too."""


@dataclass(frozen=True)
class PickVersion(Button, prefix="bc:vl"):
    locale: str  # read again as a reader locale (a forged one is refused)


@dataclass(frozen=True)
class RemoveVersion(Button, prefix="bc:vx"):
    pass


@dataclass(frozen=True)
class ShowPreview(Button, prefix="bc:p"):
    """Back to the preview."""


@dataclass(frozen=True)
class StopOrgMessages(Button, prefix="om:off"):
    """Under a broadcast a volunteer got: no more messages from this organization."""

    org: int


# --- screens ----------------------------------------------------------------------------------------------------


def stale(t: Translator) -> str:
    return t._("This button no longer works. Please send /start.")


def progress_text(t: Translator, tally: Tally) -> str:
    return "📣 " + t._("Sending your broadcast…") + "\n" + t._("{done} / {total} sent").format(
        done=t.number(tally.done), total=t.number(tally.total)
    )


def tally_text(t: Translator, tally: Tally) -> str:
    return "\n".join(
        [
            "📣 <b>" + t._("Your broadcast has gone out.") + "</b>",
            "",
            "✅ " + t._("Sent: {count}").format(count=t.number(tally.sent)),
            "🚫 " + t._("Not reachable (they blocked the bot): {count}").format(count=t.number(tally.unreachable)),
            "⚠️ " + t._("Failed: {count}").format(count=t.number(tally.failed)),
        ]
    )


def busy_text(t: Translator, busy: Busy) -> str:
    return "⏳ " + t._(
        "A broadcast is still going out: {done} / {total}. You can send the next one when it has finished."
    ).format(done=t.number(busy.tally.done), total=t.number(busy.tally.total))


def already_sent(t: Translator) -> str:
    return t._("This was sent already.")


def cancelled_text(t: Translator) -> str:
    return t._("Cancelled. Nothing was sent.")


def cancel_row(t: Translator) -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton("✖ " + t._("Cancel"), callback_data=Cancel().pack())]


def org_picker(t: Translator, orgs: list[Org]) -> tuple[str, InlineKeyboardMarkup]:
    rows = [[InlineKeyboardButton(o.name[:60], callback_data=PickOrg(o.id).pack())] for o in orgs[:ORG_BUTTONS]]
    rows.append(cancel_row(t))
    return "📣 " + t._("Which organization's followers is it for?"), InlineKeyboardMarkup(rows)


def reach_text(t: Translator, reach: Reach) -> str:
    """'12 people: 9 who signed up, 3 followers' (someone who did both counts once, as signed up)."""
    people = t.ngettext("{count} person", "{count} people", reach.total).format(count=t.number(reach.total))
    if not reach.total:
        return people
    return t._("{people}: {signed_up}, {followers}").format(
        people=people,
        signed_up=t.ngettext("{count} who signed up", "{count} who signed up", reach.signed_up).format(
            count=t.number(reach.signed_up)
        ),
        followers=t.ngettext("{count} follower", "{count} followers", reach.followers).format(
            count=t.number(reach.followers)
        ),
    )


def filters_view(t: Translator, draft: Draft, org: Org, reach: Reach) -> tuple[str, InlineKeyboardMarkup]:
    """The filters, with how many they reach now."""
    chosen = broadcasts.sorted_languages(draft.languages)
    languages = t.listing(outreach_language_name(t, c, sentence=True) for c in chosen) if chosen else t._("any")
    region = org.state if draft.regional and org.state else t._("everywhere")
    lines = [
        "📣 <b>" + t._("Broadcast") + "</b> · " + views.esc(org.name),
        "",
        t._(
            "It goes to everyone who signed up for one of the organization's shifts or follows it, "
            "unless they turned its messages off."
        ),
        "🗣 " + t._("Languages they speak: {languages}").format(languages=views.esc(languages)),
        "📍 " + t._("Where they live: {region}").format(region=views.esc(region)),
        "",
        "👥 <b>" + reach_text(t, reach) + "</b>",
        "",
        t._("Tick languages to reach only people who speak one of them."),
    ]
    rows = pickers.outreach_language_rows(t, lambda c: Tick(c).pack(), chosen=chosen)
    if org.state:
        label = ("✓ " if draft.regional else "") + "📍 " + t._("Only in {state}").format(state=org.state)
        rows.append([InlineKeyboardButton(label, callback_data=Region().pack())])
    rows.append([InlineKeyboardButton("✍️ " + t._("Write the message"), callback_data=Write().pack())])
    rows.append(cancel_row(t))
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def back_row(t: Translator) -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton("◀ " + t._("Back"), callback_data=Filters().pack())]


def write_prompt(t: Translator) -> tuple[str, InlineKeyboardMarkup]:
    text = "✍️ " + t._(
        "Type your message (up to 2,000 characters). Volunteers get it as you write it, "
        "under the organization's name. You'll see a preview first."
    )
    return text, InlineKeyboardMarkup([back_row(t)])


def preview(t: Translator, draft: Draft, org: Org, reach: Reach) -> tuple[str, InlineKeyboardMarkup]:
    assert draft.text is not None
    count = reach.total
    lines = [
        "👀 <b>" + t._("Preview") + "</b>",
        "",
        broadcast_body(org, draft.text),
        "",
        "👥 " + t._("Recipients: {reach}").format(reach=reach_text(t, reach)),
    ]
    if draft.texts:
        lines.append(tr_views.translations_line(t, [c for c in available_locales() if c in draft.texts]))
    rows = []
    if count:
        label = t.ngettext("Send to {count} person", "Send to {count} people", count).format(count=t.number(count))
        rows.append([InlineKeyboardButton("✅ " + label, callback_data=Send().pack())])
    else:
        lines.append(t._("Nobody matches these filters yet."))
    rows.append([InlineKeyboardButton("✏️ " + t._("Change the message"), callback_data=Write().pack()),
                 InlineKeyboardButton(tr_views.add_label(t), callback_data=AddVersion().pack())])
    rows.append(back_row(t))
    rows.append(cancel_row(t))
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def versions_view(t: Translator, draft: Draft, counts: list[tuple[str, int]]) -> tuple[str, InlineKeyboardMarkup]:
    """Which language to write the message in too: the recipients' languages, with counts."""
    rows = tr_views.version_rows(t, counts, draft.texts, lambda code: PickVersion(code).pack())
    rows.append([InlineKeyboardButton("◀ " + t._("Back"), callback_data=ShowPreview().pack())])
    return "🌐 " + tr_views.versions_question(t), InlineKeyboardMarkup(rows)


def version_prompt(t: Translator, draft: Draft) -> tuple[str, InlineKeyboardMarkup]:
    assert draft.version is not None
    rows = []
    if draft.version in draft.texts:
        rows.append([InlineKeyboardButton("🗑 " + t._("Remove this translation"),
                                          callback_data=RemoveVersion().pack())])
    rows.append([InlineKeyboardButton("◀ " + t._("Back"), callback_data=AddVersion().pack())])
    return "✍️ " + tr_views.version_prompt(t, draft.version, draft.texts.get(draft.version)), InlineKeyboardMarkup(rows)


def broadcast_body(org: Org, text: str) -> str:
    """The broadcast as volunteers read it (it has no words of ours to translate)."""
    return f"📣 <b>{views.esc(org.name)}</b>\n\n{views.esc(text)}"


def stop_markup(t: Translator, org: Org) -> InlineKeyboardMarkup:
    """The one button under a broadcast: stop this organization's messages."""
    label = "🔕 " + t._("Stop messages from {org}").format(org=isolate(org.name[:40]))
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=StopOrgMessages(org.id).pack())]])


def stopped_text(t: Translator, org: Org) -> str:
    return t._("You won't get messages from {org} any more. You can turn them back on in /settings.").format(
        org=org.name
    )
