"""/campaigns: a coordinator's campaigns, naming a new one, and setting its goals by typing numbers.

The typed answers (a name, a goal) are one-question flows of the dialogue engine, so a number typed much later
for something else never becomes a goal. Every press and typed answer checks again that the person coordinates
the campaign's organization (bot/services/campaigns.py checks it once more in the write).
"""

from __future__ import annotations

from datetime import date

from telegram import Update
from telegram.ext import Application, CommandHandler, filters

from bot.clock import from_ts
from bot.i18n import N_
from bot.services import campaigns as service
from bot.services.campaigns import Campaign
from bot.services.invalid import Invalid
from bot.services.typed_dates import read_date
from bot.store.dialogues import Dialogue
from handlers import campaign_views as views
from handlers.campaign_views import (
    AskEnd,
    AskGoal,
    AskStart,
    Listing,
    NewCampaign,
    NoEnd,
    NoStart,
    OpenCampaign,
    RemoveGoal,
    Rename,
)
from handlers.kit import dialogues
from handlers.kit.context import BotContext
from handlers.kit.guards import current_actor, postable_orgs, require_coordinator
from handlers.kit.replies import show
from handlers.shift_views import explain

NAME = "cp.name"  # step 'ask'; data {"org"} for a new campaign, {"campaign"} to rename one
GOAL = "cp.goal"  # step 'ask'; data {"campaign", "metric"}
DAY = "cp.day"  # step 'ask'; data {"campaign", "which": "start" | "end"}
STALE = N_("This button no longer works. Please send /start.")


async def _end_ours(context: BotContext) -> None:
    """A button elsewhere in /campaigns leaves the typed question: a number typed later sets nothing."""
    open_ = await dialogues.current(context)
    if open_ is not None and open_.kind in (NAME, GOAL, DAY):
        await dialogues.end(context)


async def _listing(update: Update, context: BotContext, page: int, below: bool = False) -> None:
    await _end_ours(context)
    actor = await require_coordinator(update, context)
    if actor is None:
        return
    found = await service.visible(context.runtime.database, actor)
    orgs = await postable_orgs(context, actor)
    new_org = orgs[0].id if len(orgs) == 1 else 0
    pages = max(1, -(-len(found) // views.PAGE_SIZE))
    if update.callback_query:
        await update.callback_query.answer()
    text, markup = views.listing(context.t, found, min(max(page, 0), pages - 1), new_org)
    if below:
        await context.bot.send_message(update.effective_chat.id, text, reply_markup=markup)
    else:
        await show(update, text, markup)


async def campaigns_command(update: Update, context: BotContext) -> None:
    await _listing(update, context, 0)


async def listing_page(update: Update, context: BotContext, button: Listing) -> None:
    await _listing(update, context, button.page, button.below)


async def _campaign(update: Update, context: BotContext, campaign_id: int) -> Campaign | None:
    """The campaign when this person coordinates its organization; otherwise says no (a forged id too)."""
    actor = await current_actor(context)
    try:
        return await service.get(context.runtime.database, actor, campaign_id)
    except service.NotAllowed:
        text = context.t._("Sorry, only the organization's coordinators can do that.")
        if update.callback_query:
            await update.callback_query.answer(text, show_alert=True)
        else:
            await dialogues.reply(update, text)
        return None


async def _show_card(update: Update, context: BotContext, campaign: Campaign, note: str | None = None) -> None:
    [progress] = await service.progress(context.runtime.database, [campaign])
    await show(update, *views.card(context.t, progress, note))


async def open_campaign(update: Update, context: BotContext, button: OpenCampaign) -> None:
    await _end_ours(context)
    campaign = await _campaign(update, context, button.campaign)
    if campaign is None:
        return
    await update.callback_query.answer()
    await _show_card(update, context, campaign)


async def new_campaign(update: Update, context: BotContext, button: NewCampaign) -> None:
    """Asks which organization (when they coordinate several), then the name."""
    t = context.t
    actor = await require_coordinator(update, context, button.org or None)
    if actor is None:
        return
    if not button.org:
        orgs = await postable_orgs(context, actor)
        if len(orgs) != 1:
            await update.callback_query.answer()
            await show(update, *views.org_picker(t, orgs))
            return
        button = NewCampaign(orgs[0].id)
    if await dialogues.begin(update, context, NAME, "ask", {"org": button.org}) is None:
        return
    await update.callback_query.answer()
    await show(update, views.name_question(t), None)


async def ask_rename(update: Update, context: BotContext, button: Rename) -> None:
    campaign = await _campaign(update, context, button.campaign)
    if campaign is None:
        return
    if await dialogues.begin(update, context, NAME, "ask", {"campaign": campaign.id}) is None:
        return
    await update.callback_query.answer()
    await show(update, views.name_question(context.t), None)


async def ask_goal(update: Update, context: BotContext, button: AskGoal) -> None:
    campaign = await _campaign(update, context, button.campaign)
    if campaign is None:
        return
    if await dialogues.begin(update, context, GOAL, "ask", {"campaign": campaign.id, "metric": button.metric}) is None:
        return
    await update.callback_query.answer()
    await show(update, *views.goal_question(context.t, campaign, button.metric))


async def remove_goal(update: Update, context: BotContext, button: RemoveGoal) -> None:
    campaign = await _campaign(update, context, button.campaign)
    if campaign is None:
        return
    await dialogues.end(context, GOAL)
    runtime = context.runtime
    try:
        campaign = await service.set_goal(
            runtime.database, await current_actor(context), campaign.id, button.metric, None, runtime.now_ts()
        )
    except service.NotAllowed:
        await update.callback_query.answer(context.t._(STALE), show_alert=True)
        return
    await update.callback_query.answer()
    await _show_card(update, context, campaign, "✅ " + context.t._("Saved."))


def _today(context: BotContext) -> date:
    return from_ts(context.runtime.now_ts()).astimezone(context.t.tz).date()


async def _ask_day(update: Update, context: BotContext, campaign_id: int, which: str) -> None:
    campaign = await _campaign(update, context, campaign_id)
    if campaign is None:
        return
    if await dialogues.begin(update, context, DAY, "ask", {"campaign": campaign.id, "which": which}) is None:
        return
    await update.callback_query.answer()
    await show(update, *views.day_question(context.t, campaign, which, _today(context)))


async def _clear_day(update: Update, context: BotContext, campaign_id: int, which: str) -> None:
    campaign = await _campaign(update, context, campaign_id)
    if campaign is None:
        return
    await dialogues.end(context, DAY)
    runtime = context.runtime
    try:
        campaign = await service.set_day(
            runtime.database, await current_actor(context), campaign.id, which, None, _today(context),
            runtime.now_ts(),
        )
    except (Invalid, service.NotAllowed):
        await update.callback_query.answer(context.t._(STALE), show_alert=True)
        return
    await update.callback_query.answer()
    await _show_card(update, context, campaign, "✅ " + context.t._("Saved."))


async def ask_start(update: Update, context: BotContext, button: AskStart) -> None:
    await _ask_day(update, context, button.campaign, "start")


async def ask_end(update: Update, context: BotContext, button: AskEnd) -> None:
    await _ask_day(update, context, button.campaign, "end")


async def no_start(update: Update, context: BotContext, button: NoStart) -> None:
    await _clear_day(update, context, button.campaign, "start")


async def no_end(update: Update, context: BotContext, button: NoEnd) -> None:
    await _clear_day(update, context, button.campaign, "end")


class DayFlow(dialogues.Flow):
    """The campaign's first or last day, typed in the reader's own date order (an ambiguous one is asked about)."""

    kind = DAY
    name = N_("setting a campaign's dates")
    one_question = True
    buttons = ("cp",)

    async def on_message(self, update: Update, context: BotContext, dialogue: Dialogue) -> None:
        t, runtime = context.t, context.runtime
        campaign_id, which = dialogue.data.get("campaign"), dialogue.data.get("which")
        campaign = await _campaign(update, context, campaign_id) if isinstance(campaign_id, int) else None
        if campaign is None or which not in ("start", "end"):
            await dialogues.end(context, DAY)
            return
        today = _today(context)
        try:
            day = read_date(update.effective_message.text or "", today, t.locale)
            campaign = await service.set_day(
                runtime.database, await current_actor(context), campaign.id, which, day, today, runtime.now_ts()
            )
        except Invalid as exc:
            await show(update, *views.day_question(t, campaign, which, today, explain(t, exc)))
            return
        except service.NotAllowed:
            await dialogues.end(context, DAY)
            await dialogues.reply(update, t._("Sorry, only the organization's coordinators can do that."))
            return
        await dialogues.end(context, DAY)
        await _show_card(update, context, campaign, "✅ " + t._("Saved."))

    async def resume(self, update: Update, context: BotContext, dialogue: Dialogue) -> None:
        campaign_id, which = dialogue.data.get("campaign"), dialogue.data.get("which")
        campaign = await _campaign(update, context, campaign_id) if isinstance(campaign_id, int) else None
        if campaign is None or which not in ("start", "end"):
            await dialogues.end(context, DAY)
            return
        text, markup = views.day_question(context.t, campaign, str(which), _today(context))
        await context.bot.send_message(update.effective_chat.id, text, reply_markup=markup)


class NameFlow(dialogues.Flow):
    """A new campaign's name (then its card, to set goals), or a new name for one."""

    kind = NAME
    name = N_("naming a campaign")
    one_question = True
    buttons = ("cp",)

    async def on_message(self, update: Update, context: BotContext, dialogue: Dialogue) -> None:
        t, runtime = context.t, context.runtime
        text = update.effective_message.text
        if text is None:
            again = t._("I can't use that here. Please type your answer, or tap a button.")
            await dialogues.reply(update, views.name_question(t, again))
            return
        actor = await current_actor(context)
        org_id, campaign_id = dialogue.data.get("org"), dialogue.data.get("campaign")
        try:
            if isinstance(campaign_id, int):
                campaign = await service.rename(runtime.database, actor, campaign_id, text, runtime.now_ts())
            elif isinstance(org_id, int):
                campaign = await service.create(runtime.database, actor, org_id, text, runtime.now_ts())
            else:
                raise service.NotAllowed(None)
        except Invalid as exc:  # asked again; the question stays open
            await dialogues.reply(update, views.name_question(t, explain(t, exc)))
            return
        except service.NotAllowed:
            await dialogues.end(context, NAME)
            await dialogues.reply(update, t._("Sorry, only the organization's coordinators can do that."))
            return
        await dialogues.end(context, NAME)
        await _show_card(update, context, campaign, "✅ " + t._("Saved."))

    async def resume(self, update: Update, context: BotContext, dialogue: Dialogue) -> None:
        await dialogues.reply(update, views.name_question(context.t))


class GoalFlow(dialogues.Flow):
    """One goal, typed as a number."""

    kind = GOAL
    name = N_("setting a campaign goal")
    one_question = True
    buttons = ("cp",)

    async def on_message(self, update: Update, context: BotContext, dialogue: Dialogue) -> None:
        t, runtime = context.t, context.runtime
        campaign_id, metric = dialogue.data.get("campaign"), dialogue.data.get("metric")
        if not isinstance(campaign_id, int) or metric not in service.GOAL_METRICS:
            await dialogues.end(context, GOAL)
            await dialogues.reply(update, t._(STALE))
            return
        campaign = await _campaign(update, context, campaign_id)
        if campaign is None:
            await dialogues.end(context, GOAL)
            return
        text = update.effective_message.text
        try:
            target = service.read_goal(text or "")
            campaign = await service.set_goal(
                runtime.database, await current_actor(context), campaign_id, metric, target, runtime.now_ts()
            )
        except Invalid as exc:
            await show(update, *views.goal_question(t, campaign, metric, explain(t, exc)))
            return
        except service.NotAllowed:
            await dialogues.end(context, GOAL)
            await dialogues.reply(update, t._("Sorry, only the organization's coordinators can do that."))
            return
        await dialogues.end(context, GOAL)
        await _show_card(update, context, campaign, "✅ " + t._("Saved."))

    async def resume(self, update: Update, context: BotContext, dialogue: Dialogue) -> None:
        campaign_id, metric = dialogue.data.get("campaign"), dialogue.data.get("metric")
        campaign = await _campaign(update, context, campaign_id) if isinstance(campaign_id, int) else None
        if campaign is None or metric not in service.GOAL_METRICS:
            await dialogues.end(context, GOAL)
            return
        text, markup = views.goal_question(context.t, campaign, str(metric))
        await context.bot.send_message(update.effective_chat.id, text, reply_markup=markup)


def register(app: Application) -> None:
    app.add_handler(CommandHandler("campaigns", campaigns_command, filters=filters.ChatType.PRIVATE))
    app.add_handler(Listing.handler(listing_page))
    app.add_handler(OpenCampaign.handler(open_campaign))
    app.add_handler(NewCampaign.handler(new_campaign))
    app.add_handler(Rename.handler(ask_rename))
    app.add_handler(AskGoal.handler(ask_goal))
    app.add_handler(RemoveGoal.handler(remove_goal))
    app.add_handler(AskStart.handler(ask_start))
    app.add_handler(NoStart.handler(no_start))
    app.add_handler(AskEnd.handler(ask_end))
    app.add_handler(NoEnd.handler(no_end))
    dialogues.register_flow(NameFlow())
    dialogues.register_flow(GoalFlow())
    dialogues.register_flow(DayFlow())
