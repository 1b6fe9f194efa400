"""A believable demo network to try the bot on: `python -m bot demo` fills an empty database with it.

Four invented state-based AAPI organizations in four time zones, about thirty shifts of every kind over
the next three weeks (in person and online, many needing an outreach language), and demo volunteers
signed up through the real signup rules, so some shifts are nearly full and one is full with a waitlist.

Demo volunteers have negative Telegram ids: real Telegram user ids are positive, so the bot can never
reach a real person through them. Everything is deterministic: the same `now` gives the same network.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.db import Database
from bot.services import signups as signup_service
from bot.services.reminders import ReminderPolicy
from bot.services.signups import Outcome
from bot.store import orgs, people, shifts
from bot.store.shifts import NewShift

WINDOW = 21 * 24 * 3600  # every demo shift starts within this many seconds of `now`
FIRST_TELEGRAM_ID = -1_000_001  # demo volunteers count down from here; never a real user

# A person's first outreach language → the UI locale they would pick (None: English).
_UI_LOCALE = {
    "ko": "ko", "vi": "vi", "yue": "zh_Hant", "cmn": "zh_Hans", "tl": "fil", "hi": "hi", "bn": "bn",
    "ur": "ur", "gu": "gu", "ne": "ne", "km": "km", "ja": "ja",
}
_INTERESTS = (
    ("canvass", "phone_bank"), ("text_bank", "phone_bank"), ("canvass", "event"), ("training", "text_bank"),
    ("event", "phone_bank"), ("canvass", "text_bank", "training"),
)
MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


class NotEmptyError(Exception):
    """The database already holds organizations, shifts or people: the demo never mixes with them."""


@dataclass(frozen=True)
class _Place:
    name: str
    address: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class _Volunteer:
    name: str
    languages: tuple[str, ...]  # outreach languages, the first one their strongest
    city: str
    zip: str


@dataclass(frozen=True)
class _Plan:
    """One shift: in week 0, 1 or 2 from tomorrow, on a weekday, at a local time, for `minutes`."""

    week: int
    weekday: int
    at: time
    minutes: int
    kind: str
    title: str
    description: str
    capacity: int
    fill: int  # demo signups to make; more than capacity puts the rest on the waitlist
    place: str | None = None  # a key of the org's places; None: online
    languages: tuple[str, ...] = ()


@dataclass(frozen=True)
class _OrgPlan:
    slug: str
    name: str
    state: str
    timezone: str
    places: dict[str, _Place]
    volunteers: tuple[_Volunteer, ...]
    shifts: tuple[_Plan, ...]


def _v(name: str, languages: str, city: str, zip_code: str) -> _Volunteer:
    return _Volunteer(name, tuple(languages.split()), city, zip_code)


_NETWORK: tuple[_OrgPlan, ...] = (
    _OrgPlan(
        slug="goldenstate",
        name="Golden State AAPI Neighbors",
        state="CA",
        timezone="America/Los_Angeles",
        places={
            "ktown": _Place("Neighbors LA office", "3055 W 6th St, Suite 210, Los Angeles, CA 90020",
                            34.0637, -118.2921),
            "sanjose": _Place("Story Road community room", "1820 Story Rd, San Jose, CA 95122",
                              37.3339, -121.8531),
            "westminster": _Place("Bolsa Avenue meeting point", "9240 Bolsa Ave, Westminster, CA 92683",
                                  33.7455, -117.9561),
            "oakland": _Place("Neighbors Oakland office", "410 Webster St, 2nd floor, Oakland, CA 94607",
                              37.7996, -122.2717),
            "sfchinatown": _Place("Jackson Street community hall", "828 Jackson St, San Francisco, CA 94133",
                                  37.7960, -122.4076),
            "longbeach": _Place("Anaheim Street meeting point", "2100 E Anaheim St, Long Beach, CA 90804",
                                33.7826, -118.1667),
            "dalycity": _Place("Serramonte library plaza", "2150 Junipero Serra Blvd, Daly City, CA 94014",
                               37.6931, -122.4712),
        },
        volunteers=(
            _v("Minji P.", "ko en", "Los Angeles", "90020"),
            _v("Daniel K.", "ko en", "Los Angeles", "90005"),
            _v("Grace C.", "ko en", "Los Angeles", "90010"),
            _v("Thao N.", "vi en", "San Jose", "95122"),
            _v("Khanh T.", "vi en", "Westminster", "92683"),
            _v("Linh V.", "vi en", "Garden Grove", "92844"),
            _v("Kevin W.", "yue en", "Oakland", "94607"),
            _v("Mei L.", "cmn yue en", "San Francisco", "94133"),
            _v("Wei Z.", "cmn en", "San Francisco", "94108"),
            _v("Sopheap C.", "km en", "Long Beach", "90804"),
            _v("Dara S.", "km en", "Long Beach", "90813"),
            _v("Maricel R.", "tl en", "Daly City", "94014"),
            _v("Jose D.", "tl en", "Daly City", "94015"),
            _v("Priya S.", "hi en", "Fremont", "94538"),
            _v("Arjun M.", "gu hi en", "Fremont", "94536"),
            _v("Emily T.", "en", "Oakland", "94612"),
            _v("Kenji Y.", "ja en", "San Jose", "95112"),
            _v("Leilani K.", "en", "Los Angeles", "90012"),
        ),
        shifts=(
            _Plan(0, SAT, time(10, 0), 180, "canvass", "Koreatown door knock: voter registration check",
                  "Check in with Koreatown neighbors about their voter registration and answer questions. "
                  "Scripts, clipboards and water provided; Korean speakers pair up with English speakers.",
                  capacity=12, fill=11, place="ktown", languages=("ko",)),
            _Plan(0, TUE, time(18, 0), 120, "phone_bank", "Vietnamese-language phone bank for Little Saigon",
                  "Call Vietnamese-speaking voters in San Jose to share early voting dates and locations. "
                  "Bring a charged phone and headphones; dinner is on us.",
                  capacity=10, fill=4, place="sanjose", languages=("vi",)),
            _Plan(0, THU, time(17, 30), 120, "text_bank", "Evening text bank: early voting reminders",
                  "Send friendly reminders about early voting from your laptop. We start with a 15-minute "
                  "walkthrough of the texting tool, so first-timers are welcome.",
                  capacity=25, fill=9),
            _Plan(1, SAT, time(10, 0), 180, "canvass", "Little Saigon canvass on Bolsa Avenue",
                  "Talk with small-business owners and residents along Bolsa Avenue about voting by mail. "
                  "Meet at the corner by the bakery; wear comfortable shoes.",
                  capacity=15, fill=6, place="westminster", languages=("vi",)),
            _Plan(1, WED, time(18, 0), 90, "training", "New volunteer orientation",
                  "Who we are, how our outreach works, and how to have a good conversation at the door or on "
                  "the phone. Ideal before your first shift.",
                  capacity=40, fill=12),
            _Plan(1, SUN, time(13, 0), 180, "event", "Chinatown community resource fair",
                  "Staff our table at the resource fair: help elders check their registration and sign up "
                  "for in-language voting guides.",
                  capacity=20, fill=8, place="sfchinatown", languages=("yue", "cmn")),
            _Plan(2, SAT, time(10, 0), 180, "canvass", "Cambodia Town canvass",
                  "Door-to-door conversations with Khmer-speaking families in Long Beach about how and where "
                  "to vote. Khmer speakers especially welcome.",
                  capacity=10, fill=3, place="longbeach", languages=("km",)),
            _Plan(2, THU, time(18, 0), 120, "phone_bank", "Cantonese and Mandarin phone bank",
                  "Call Chinese-speaking voters in the East Bay about ballot drop-off locations. "
                  "Scripts are in traditional and simplified characters.",
                  capacity=8, fill=7, place="oakland", languages=("yue", "cmn")),
            _Plan(2, SUN, time(13, 0), 120, "event", "Voter registration table at the Filipino community fair",
                  "Help fair-goers register to vote or update their address. Tagalog speakers needed.",
                  capacity=6, fill=2, place="dalycity", languages=("tl",)),
        ),
    ),
    _OrgPlan(
        slug="lonestar",
        name="Lone Star AAPI Voices",
        state="TX",
        timezone="America/Chicago",
        places={
            "bellaire": _Place("Asiatown community center", "9800 Bellaire Blvd, Suite 118, Houston, TX 77036",
                               29.7051, -95.5532),
            "hillcroft": _Place("Voices Hillcroft office", "6100 Hillcroft Ave, Houston, TX 77081",
                                29.7162, -95.4988),
            "sugarland": _Place("Sugar Land library meeting room", "16500 Kensington Dr, Sugar Land, TX 77479",
                                29.5958, -95.6201),
            "carrollton": _Place("Old Denton Road plaza", "2625 Old Denton Rd, Carrollton, TX 75006",
                                 32.9862, -96.9018),
            "irving": _Place("MacArthur Boulevard banquet hall", "8150 N MacArthur Blvd, Irving, TX 75063",
                             32.9121, -96.9592),
        },
        volunteers=(
            _v("Huy T.", "vi en", "Houston", "77036"),
            _v("Trang P.", "vi en", "Houston", "77072"),
            _v("Long N.", "vi en", "Houston", "77099"),
            _v("Yan C.", "cmn en", "Sugar Land", "77479"),
            _v("Jing L.", "cmn en", "Sugar Land", "77478"),
            _v("Ji-hoon L.", "ko en", "Carrollton", "75006"),
            _v("Soo-ah K.", "ko en", "Carrollton", "75007"),
            _v("Eun-ji C.", "ko en", "Dallas", "75229"),
            _v("Anjali P.", "hi gu en", "Houston", "77081"),
            _v("Farhan A.", "ur hi en", "Houston", "77081"),
            _v("Nusrat J.", "bn en", "Irving", "75063"),
            _v("Rafiq H.", "bn en", "Irving", "75038"),
            _v("Sanjay R.", "hi en", "Sugar Land", "77479"),
            _v("Aisha R.", "ur en", "Houston", "77036"),
            _v("Michael N.", "en", "Houston", "77004"),
            _v("Rachel L.", "cmn en", "Plano", "75024"),
            _v("Tuan L.", "vi en", "Dallas", "75243"),
            _v("Ruby T.", "tl en", "Houston", "77072"),
        ),
        shifts=(
            _Plan(0, SAT, time(10, 0), 180, "canvass", "Asiatown canvass on Bellaire Boulevard",
                  "Visit apartment communities off Bellaire to help neighbors find their polling place. "
                  "Vietnamese and Mandarin speakers lead each pair.",
                  capacity=10, fill=5, place="bellaire", languages=("vi", "cmn")),
            _Plan(0, MON, time(18, 0), 120, "phone_bank", "Hindi and Urdu phone bank",
                  "Call South Asian voters in Harris and Fort Bend counties with early voting information. "
                  "Chai and samosas provided.",
                  capacity=8, fill=3, place="hillcroft", languages=("hi", "ur")),
            _Plan(1, TUE, time(18, 30), 120, "training", "Canvass training: door-knocking basics and safety",
                  "Practice conversations, learn the canvassing app, and go over safety in pairs. Required "
                  "before your first canvass with us.",
                  capacity=15, fill=13, place="sugarland"),
            _Plan(1, SAT, time(10, 0), 180, "canvass", "Carrollton Koreatown canvass",
                  "Knock doors with Korean-speaking teams around Old Denton Road. Lunch afterwards at the "
                  "plaza.",
                  capacity=8, fill=10, place="carrollton", languages=("ko",)),
            _Plan(1, THU, time(19, 0), 120, "text_bank", "Texas-wide text bank",
                  "Text voters across the state from home about registration deadlines and ID rules. "
                  "Laptop needed; we'll set you up in the first ten minutes.",
                  capacity=30, fill=6),
            _Plan(2, SUN, time(14, 0), 180, "event", "Bangladeshi community meet-and-greet",
                  "Welcome families, register new voters and hand out Bengali voting guides. "
                  "Bengali speakers especially needed at the registration table.",
                  capacity=20, fill=7, place="irving", languages=("bn",)),
            _Plan(2, WED, time(18, 0), 120, "phone_bank", "Vietnamese phone bank from home",
                  "Call Vietnamese-speaking voters in Houston from wherever you are. Join the video call for "
                  "the script and a quick practice round.",
                  capacity=12, fill=4, languages=("vi",)),
        ),
    ),
    _OrgPlan(
        slug="peachtree",
        name="Peachtree AAPI Civic Circle",
        state="GA",
        timezone="America/New_York",
        places={
            "duluth": _Place("Civic Circle Duluth office", "3480 Pleasant Hill Rd, Suite 104, Duluth, GA 30096",
                             33.9591, -84.1332),
            "doraville": _Place("Buford Highway community room", "5150 Buford Hwy NE, Doraville, GA 30340",
                                33.8929, -84.2762),
            "norcross": _Place("Jimmy Carter Boulevard meeting point", "5495 Jimmy Carter Blvd, Norcross, GA 30093",
                               33.9131, -84.2052),
            "clarkston": _Place("Church Street community hall", "3701 Church St, Clarkston, GA 30021",
                                33.8096, -84.2401),
            "lawrenceville": _Place("Scenic Highway office", "1250 Scenic Hwy S, Lawrenceville, GA 30045",
                                    33.9352, -83.9948),
        },
        volunteers=(
            _v("Hyejin K.", "ko en", "Duluth", "30096"),
            _v("Jae P.", "ko en", "Suwanee", "30024"),
            _v("Sunny L.", "ko en", "Duluth", "30097"),
            _v("Binh N.", "vi en", "Norcross", "30093"),
            _v("Hoa T.", "vi en", "Lawrenceville", "30044"),
            _v("Xiaoyu W.", "cmn en", "Doraville", "30340"),
            _v("Lily C.", "cmn yue en", "Chamblee", "30341"),
            _v("Tashi G.", "ne en", "Clarkston", "30021"),
            _v("Bishnu A.", "ne en", "Clarkston", "30021"),
            _v("Htoo M.", "my en", "Clarkston", "30021"),
            _v("Sadia I.", "bn en", "Lawrenceville", "30043"),
            _v("Tanvir R.", "bn hi en", "Snellville", "30078"),
            _v("Neha G.", "hi en", "Alpharetta", "30005"),
            _v("Ravi S.", "hi gu en", "Johns Creek", "30022"),
            _v("Andrew H.", "en", "Atlanta", "30303"),
            _v("Mai V.", "vi en", "Norcross", "30071"),
            _v("Jenny O.", "ko en", "Atlanta", "30308"),
            _v("Paolo R.", "tl en", "Atlanta", "30309"),
        ),
        shifts=(
            _Plan(0, SUN, time(13, 0), 180, "canvass", "Duluth canvass with Korean-speaking teams",
                  "Talk with Korean American neighbors in Duluth about voting early. Meet at the office for "
                  "turf packets and snacks.",
                  capacity=10, fill=6, place="duluth", languages=("ko",)),
            _Plan(0, WED, time(18, 0), 120, "phone_bank", "Buford Highway phone bank",
                  "Call Mandarin- and Vietnamese-speaking voters along Buford Highway with polling place "
                  "information. Phones provided if you need one.",
                  capacity=10, fill=9, place="doraville", languages=("cmn", "vi")),
            _Plan(1, SAT, time(10, 0), 180, "canvass", "Norcross neighborhood canvass",
                  "Knock doors in Vietnamese American neighborhoods in Norcross about voting by mail. "
                  "Beginners are paired with experienced canvassers.",
                  capacity=12, fill=5, place="norcross", languages=("vi",)),
            _Plan(1, MON, time(19, 0), 90, "training", "Text bank training for first-timers",
                  "Learn the texting tool, practice replies to common questions, and get ready for your first "
                  "text bank. Online, cameras optional.",
                  capacity=50, fill=15),
            _Plan(1, THU, time(18, 0), 120, "text_bank", "Georgia text bank: polling place reminders",
                  "Text voters across Georgia with their polling place and hours. Laptop recommended.",
                  capacity=30, fill=10),
            _Plan(2, SAT, time(11, 0), 180, "event", "Clarkston community potluck and registration drive",
                  "Share a meal with Nepali-speaking and Burmese families and help newly naturalized "
                  "citizens register to vote. Bring a dish if you like.",
                  capacity=25, fill=9, place="clarkston", languages=("ne", "my")),
            _Plan(2, TUE, time(17, 30), 120, "phone_bank", "Bengali and Hindi phone bank",
                  "Call South Asian voters in Gwinnett County with early voting dates. Scripts in Bengali, "
                  "Hindi and English.",
                  capacity=8, fill=2, place="lawrenceville", languages=("bn", "hi")),
        ),
    ),
    _OrgPlan(
        slug="islandhui",
        name="Island Neighbors Civic Hui",
        state="HI",
        timezone="Pacific/Honolulu",
        places={
            "kalihi": _Place("Civic Hui Kalihi office", "1505 Dillingham Blvd, Suite 203, Honolulu, HI 96817",
                             21.3241, -157.8739),
            "waipahu": _Place("Farrington Highway meeting point", "94-300 Farrington Hwy, Waipahu, HI 96797",
                              21.3869, -158.0088),
            "chinatown": _Place("Maunakea Street community room", "1120 Maunakea St, Honolulu, HI 96817",
                                21.3124, -157.8621),
        },
        volunteers=(
            _v("Mele T.", "to en", "Honolulu", "96817"),
            _v("Sione F.", "to en", "Honolulu", "96819"),
            _v("Losa S.", "sm en", "Honolulu", "96817"),
            _v("Tavita F.", "sm en", "Waipahu", "96797"),
            _v("Rowena A.", "tl en", "Waipahu", "96797"),
            _v("Jun B.", "tl en", "Waipahu", "96797"),
            _v("Marites C.", "tl en", "Honolulu", "96819"),
            _v("Kalani K.", "en", "Honolulu", "96822"),
            _v("Noelani P.", "en", "Kaneohe", "96744"),
            _v("Kenta S.", "ja en", "Honolulu", "96826"),
            _v("Ming H.", "yue en", "Honolulu", "96817"),
            _v("Amy C.", "yue cmn en", "Honolulu", "96813"),
            _v("Keoni M.", "en", "Pearl City", "96782"),
            _v("Ana L.", "tl en", "Ewa Beach", "96706"),
            _v("Hana N.", "ja en", "Honolulu", "96822"),
            _v("Tevita V.", "to en", "Honolulu", "96819"),
            _v("Ailani D.", "en", "Kapolei", "96707"),
            _v("Quoc P.", "vi en", "Honolulu", "96817"),
        ),
        shifts=(
            _Plan(0, SAT, time(10, 0), 180, "canvass", "Waipahu canvass with Tagalog speakers",
                  "Visit Filipino families in Waipahu to share how voting by mail works in Hawaiʻi. "
                  "Tagalog and Ilocano speakers lead each pair.",
                  capacity=10, fill=4, place="waipahu", languages=("tl",)),
            _Plan(0, WED, time(17, 30), 120, "phone_bank", "Tongan and Samoan phone bank",
                  "Call Tongan and Samoan households about ballot return dates. Scripts in both languages; "
                  "food after.",
                  capacity=8, fill=3, place="kalihi", languages=("to", "sm")),
            _Plan(1, SUN, time(13, 0), 180, "event", "Chinatown kūpuna voter help day",
                  "Help elders in Chinatown fill in registration forms and read their ballot instructions. "
                  "Cantonese speakers needed.",
                  capacity=12, fill=5, place="chinatown", languages=("yue",)),
            _Plan(1, TUE, time(18, 0), 90, "training", "Volunteer training: language access at the polls",
                  "What voters can ask for in their language, how to help without telling anyone how to vote, "
                  "and where to send questions.",
                  capacity=30, fill=8),
            _Plan(2, SAT, time(10, 0), 180, "canvass", "Kalihi neighborhood canvass",
                  "Door-to-door conversations in Kalihi about ballot drop boxes and deadlines. "
                  "Meet at the office; we'll carpool.",
                  capacity=12, fill=11, place="kalihi"),
            _Plan(2, THU, time(18, 0), 120, "text_bank", "Island-wide text bank",
                  "Text voters on every island with ballot return reminders, from your couch.",
                  capacity=20, fill=5),
        ),
    ),
)


@dataclass(frozen=True)
class DemoOrg:
    slug: str
    name: str
    state: str
    timezone: str
    shifts: int


@dataclass(frozen=True)
class DemoSummary:
    orgs: tuple[DemoOrg, ...]
    shifts: int
    volunteers: int
    confirmed: int
    waitlisted: int
    full: tuple[str, ...]  # titles of the shifts with no place left


async def existing_data(db: Database) -> dict[str, int]:
    """How many organizations, shifts and people the database holds."""
    return {
        "org": await orgs.count_all(db),
        "shift": await shifts.count_all(db),
        "person": await people.count_all(db),
    }


def _starts_at(now: int, zone: ZoneInfo, plan: _Plan) -> int:
    """The plan's weekday in week 0, 1 or 2 counted from tomorrow, at its local time, in Unix seconds."""
    first = datetime.fromtimestamp(now, zone).date() + timedelta(days=1 + 7 * plan.week)
    day = first + timedelta(days=(plan.weekday - first.weekday()) % 7)
    start = int(datetime.combine(day, plan.at, tzinfo=zone).timestamp())
    if start >= now + WINDOW:  # the last day of week 2 can fall just past three weeks: a day earlier
        start = int(datetime.combine(day - timedelta(days=1), plan.at, tzinfo=zone).timestamp())
    return start


def _online_url(slug: str, plan: _Plan, index: int) -> str:
    return f"https://meet.example.org/{slug}/{plan.kind.replace('_', '-')}-{index + 1}"


async def create_demo_network(db: Database, now: int, policy: ReminderPolicy) -> DemoSummary:
    """Creates the demo organizations, shifts and volunteers, and signs volunteers up.

    Raises NotEmptyError when the database already has any organization, shift or person.
    """
    counts = await existing_data(db)
    if any(counts.values()):
        raise NotEmptyError(
            f"already has data (organizations: {counts['org']}, shifts: {counts['shift']}, "
            f"people: {counts['person']}); demo only fills an empty database, so point TURNOUT_DB at a new file"
        )
    telegram_id = FIRST_TELEGRAM_ID
    fills: list[tuple[int, int, list[tuple[int, tuple[str, ...]]]]] = []  # shift id, fill, its org's pool
    demo_orgs: list[DemoOrg] = []
    volunteers = 0
    async with db.transaction() as tx:
        for org_plan in _NETWORK:
            org = await orgs.create(
                tx, slug=org_plan.slug, name=org_plan.name, state=org_plan.state, timezone=org_plan.timezone,
                now=now,
            )
            pool: list[tuple[int, tuple[str, ...]]] = []
            for i, vol in enumerate(org_plan.volunteers):
                first, _, last = vol.name.partition(" ")
                person = await people.upsert_from_telegram(
                    tx, telegram_id=telegram_id, first_name=first, last_name=last or None, username=None,
                    language_code="en", now=now,
                )
                telegram_id -= 1
                await people.update(
                    tx, person.id, now, display_name=vol.name, locale=_UI_LOCALE.get(vol.languages[0]),
                    timezone=org_plan.timezone, state=org_plan.state, zip=vol.zip, city=vol.city,
                    consent_at=now, onboarding_step=None,
                )
                await people.set_languages(tx, person.id, list(vol.languages))
                await people.set_interests(tx, person.id, list(_INTERESTS[i % len(_INTERESTS)]))
                await orgs.follow(tx, person.id, org.id, now)
                pool.append((person.id, vol.languages))
            volunteers += len(pool)
            zone = ZoneInfo(org_plan.timezone)
            for index, plan in enumerate(org_plan.shifts):
                starts_at = _starts_at(now, zone, plan)
                place = org_plan.places[plan.place] if plan.place else None
                shift_id = await shifts.create(
                    tx,
                    NewShift(
                        org_id=org.id, title=plan.title, kind=plan.kind, starts_at=starts_at,
                        ends_at=starts_at + plan.minutes * 60, timezone=org_plan.timezone,
                        capacity=plan.capacity, description=plan.description,
                        place_name=place.name if place else None, address=place.address if place else None,
                        latitude=place.latitude if place else None, longitude=place.longitude if place else None,
                        online_url=None if place else _online_url(org_plan.slug, plan, index),
                        region=org_plan.state if place else None, languages=plan.languages,
                    ),
                    now,
                )
                fills.append((shift_id, plan.fill, pool))
            demo_orgs.append(
                DemoOrg(org_plan.slug, org_plan.name, org_plan.state, org_plan.timezone, len(org_plan.shifts))
            )

    confirmed = waitlisted = 0
    full: list[str] = []
    for turn, (shift_id, fill, pool) in enumerate(fills):
        outcomes = await _fill(db, shift_id, fill, pool, turn, now, policy)
        confirmed += outcomes.count(Outcome.CONFIRMED)
        waitlisted += outcomes.count(Outcome.WAITLISTED)
        shift = await shifts.get(db, shift_id)
        assert shift is not None
        if shift.is_full:
            full.append(shift.title)
    return DemoSummary(tuple(demo_orgs), len(fills), volunteers, confirmed, waitlisted, tuple(full))


async def _fill(
    db: Database,
    shift_id: int,
    fill: int,
    pool: list[tuple[int, tuple[str, ...]]],
    turn: int,
    now: int,
    policy: ReminderPolicy,
) -> list[Outcome]:
    """Signs up `fill` volunteers through the real rules: speakers of the shift's languages first,
    everyone else after, each group rotated by `turn` so the work spreads across the pool."""
    shift = await shifts.get(db, shift_id)
    assert shift is not None
    rotated = pool[turn % len(pool):] + pool[: turn % len(pool)]
    speakers = [pid for pid, langs in rotated if set(langs) & set(shift.languages)]
    others = [pid for pid, langs in rotated if not set(langs) & set(shift.languages)]
    outcomes: list[Outcome] = []
    for person_id in speakers + others:
        if len(outcomes) == fill:
            break
        result = await signup_service.sign_up(db, person_id, shift_id, now, policy=policy)
        if result.outcome is Outcome.OVERLAP:
            continue  # busy at that time with another shift: ask the next one
        if result.outcome not in (Outcome.CONFIRMED, Outcome.WAITLISTED):
            raise RuntimeError(f"demo signup for shift {shift_id} refused: {result.outcome.value}")
        outcomes.append(result.outcome)
    return outcomes
