"""Vocabulary and text templates of the bundled sample (a fictional bicycle brand).

Kept apart from the generator so that the numbers in ``sample.py`` stay readable.
Every template is plain ASCII, so that entity offsets (Unicode code points, as
in the Twitter API) equal Python string indices. Only question texts contain a
question mark, and only they start with a question word, so the questions put
to the focal account are exactly the ones the generator planted.
"""

from __future__ import annotations

import numpy as np

BRAND_HANDLE = "KestrelCycles"
BRAND_NAME = "Kestrel Cycles"

#: One topic per planted community: (name, hashtags). Communities beyond the
#: sixth reuse the list with a numeric suffix.
TOPICS: list[tuple[str, tuple[str, ...]]] = [
    ("commuting", ("BikeCommute", "CycleToWork")),
    ("road", ("RoadCycling", "Cycling")),
    ("mountain", ("MTB", "Singletrack")),
    ("repair", ("BikeRepair", "DIY")),
    ("bikepacking", ("Bikepacking", "Adventure")),
    ("ebike", ("EBike", "Ebikes")),
]

_SUBJECTS = {
    "commuting": ["the canal path", "the ring road", "the new bike lane", "the station bike park",
                  "the morning traffic", "the bridge detour", "the office showers", "my pannier"],
    "road": ["the club run", "the hill repeats", "the sportive", "the chaingang", "my new wheels",
             "the climb out of town", "the sprint finish", "the group ride"],
    "mountain": ["the red trail", "the rock garden", "the new jump line", "the muddy descent",
                 "the bike park", "the enduro loop", "my dropper post", "the berms"],
    "repair": ["a stuck seatpost", "the rear derailleur", "tubeless sealant", "a squeaky bottom bracket",
               "the brake bleed", "a worn chain", "the headset bearings", "a buckled wheel"],
    "bikepacking": ["the gravel route", "the wild camp", "the frame bag", "the mountain pass",
                    "the overnighter", "my stove setup", "the coast route", "the night sky"],
    "ebike": ["the battery range", "the cargo bike", "the school run", "the hill assist",
              "the charging routine", "the motor modes", "the torque sensor", "the rain cover"],
}

_POST_TEMPLATES = [
    "Loving {s} this week {h}",
    "Quick update on {s}: so far so good {h}",
    "Finally sorted out {s} {h}",
    "Nothing beats {s} on a clear morning {h}",
    "Thread on {s} coming later today {h}",
    "Spent the evening on {s}, worth it {h}",
    "{n} km done, {s} was the highlight {h}",
    "Small win: {s} went better than expected {h}",
    "Note for anyone planning {s}: start early {h}",
    "Photos from {s} are up {h}",
]

_REPLY_TEXTS = [
    "Totally agree with this.", "Great shot!", "Love this.", "Same here, every single time.",
    "Thanks for sharing.", "This is so useful.", "Ha, been there.", "Good call.",
    "Saving this for the weekend.", "Brilliant, well done.", "Nice one, see you out there.",
    "That looks fantastic.", "Respect, that is a big effort.", "Needed this today.",
]

_QUESTION_TO_PEER = [
    "What tyres were you running?", "How long did that take you?", "Which route was that?",
    "Did you sort the noise in the end?", "Where did you start from?",
]

_QUOTE_TEXTS = [
    "This is the way.", "Read this before your next ride.", "Couldn't have said it better.",
    "Bookmarking this one.", "Good advice here.", "Worth a read.", "So much this.",
]

_NETWORKER_POSTS = [
    "Roundup of the week in cycling: great posts from {m}",
    "Following along with {m} this week",
    "Five accounts to follow this week: {m}",
    "Big thanks to {m} for the great conversations",
    "New episode out, with ideas from {m}",
]

_NETWORKER_REPLIES = [
    "Adding this to this week's roundup.", "Sharing this with my followers.",
    "Great point, more people should see this.", "Featured in today's newsletter.",
]

_PRODUCTS = ["Falcon frame", "Swift commuter", "Merlin gravel bike", "Hobby e-bike",
             "Kite cargo bike", "Peregrine road bike"]

_QUESTIONS_TO_BRAND = [
    "does the {p} take 45 mm tyres?", "when will the {p} be back in stock?",
    "is there a warranty on the {p} battery?", "how do I adjust the brakes on my {p}?",
    "can I fit mudguards to the {p}?", "where can I test ride the {p}?",
    "which size {p} should I get at 178 cm?", "what is the weight of the {p}?",
    "will the {p} come in other colours?", "do you ship the {p} abroad?",
]

_PRAISE_TO_BRAND = [
    "loving my new {p}, thank you", "three months on the {p} and zero problems",
    "great service at the shop today, cheers", "the {p} made my commute so much better",
    "shout out to the team for the quick repair",
]

_BRAND_POSTS = [
    "Meet the {p}: built for every season.", "Weekend ride idea: take the {p} somewhere new.",
    "Service tip of the week: check your tyre pressure before every ride.",
    "The {p} is back in stock in all sizes.", "Thank you to our community for a great month.",
    "Behind the scenes at our workshop today.", "Join our group ride this Saturday, all welcome.",
]

_BRAND_ANSWERS = [
    "Thanks for asking! Yes, it does. Our size guide has the details.",
    "Hi! The next batch arrives in two weeks. We will post here when it lands.",
    "Good question! You can find the manual on our support page.",
    "Thanks for reaching out. Please send us a DM with your order number and we will sort it.",
    "Hi there, our shops in the city centre have test bikes every day.",
    "Yes! Mudguard mounts are standard on every frame.",
]

_EXTERNAL_POSTS = [
    "City council approves new protected bike lanes",
    "Report: cycling to work up again this spring",
    "Race preview: the classics season starts this weekend",
    "Interview: what makes a good trail",
    "Ten tips for your first overnight trip",
    "E-bike sales keep rising, survey finds",
]

FIRST_NAMES = ["Alex", "Sam", "Jo", "Chris", "Robin", "Maria", "Lena", "Tom", "Nina", "Omar",
               "Priya", "Ken", "Ines", "Luca", "Mei", "Sara", "Jonas", "Ada", "Leo", "Zoe",
               "Ravi", "Hana", "Emil", "Ruth", "Theo", "Kim", "Yusuf", "Elif", "Noor", "Finn"]
LAST_NAMES = ["Meyer", "Okafor", "Jansen", "Silva", "Kowalski", "Nguyen", "Brown", "Rossi",
              "Haddad", "Larsen", "Novak", "Costa", "Murphy", "Tanaka", "Fischer", "Dubois",
              "Ali", "Evans", "Moreau", "Berg"]
_HANDLE_WORDS = ["ride", "spoke", "pedal", "gravel", "chain", "wheel", "climb", "trail", "cog",
                 "saddle", "tour", "sprint", "velo", "crank", "bell", "route", "cadence", "grit"]
EXTERNAL_ACCOUNTS = [("CityCycleNews", "City Cycle News"), ("TrailMagazine", "Trail Magazine"),
                     ("ProPeloton", "Pro Peloton"), ("BikeLaneWatch", "Bike Lane Watch"),
                     ("GravelDaily", "Gravel Daily"), ("EBikeReview", "E-Bike Review"),
                     ("CommuteStats", "Commute Stats"), ("WorkshopTips", "Workshop Tips")]


def topic_of(community: int) -> tuple[str, tuple[str, ...]]:
    """Topic name and hashtags of a planted community."""
    name, tags = TOPICS[community % len(TOPICS)]
    if community >= len(TOPICS):
        name = f"{name}{community // len(TOPICS) + 1}"
    return name, tags


def make_handles(rng: np.random.Generator, n: int) -> tuple[list[str], list[str]]:
    """Unique (case-insensitively) handles of at most 15 characters, and display names."""
    seen = {BRAND_HANDLE.lower()} | {h.lower() for h, _ in EXTERNAL_ACCOUNTS}
    handles: list[str] = []
    names: list[str] = []
    first = rng.integers(0, len(FIRST_NAMES), size=4 * n)
    last = rng.integers(0, len(LAST_NAMES), size=4 * n)
    word = rng.integers(0, len(_HANDLE_WORDS), size=4 * n)
    style = rng.integers(0, 4, size=4 * n)
    digits = rng.integers(1, 999, size=4 * n)
    for i in range(4 * n):
        f, surname, w = FIRST_NAMES[first[i]], LAST_NAMES[last[i]], _HANDLE_WORDS[word[i]]
        handle = [f"{f.lower()}_{w}s", f"{f}{surname}", f"{w}{f.lower()}{digits[i]}",
                  f"{f.lower()}{surname[0].lower()}_{w}"][style[i]][:15]
        if handle.lower() in seen:
            continue
        seen.add(handle.lower())
        handles.append(handle)
        names.append(f"{f} {surname}")
        if len(handles) == n:
            return handles, names
    raise RuntimeError("could not draw enough unique handles")  # unreachable for n < 10**5


def _pick(rng: np.random.Generator, options: list[str]) -> str:
    return options[int(rng.integers(len(options)))]


def post_text(rng: np.random.Generator, community: int) -> str:
    name, tags = topic_of(community)
    subjects = _SUBJECTS[TOPICS[community % len(TOPICS)][0]]
    n_tags = int(rng.choice([0, 1, 1, 2]))
    hashtags = " ".join("#" + t for t in tags[:n_tags])
    text = _pick(rng, _POST_TEMPLATES).format(s=_pick(rng, subjects), h=hashtags,
                                              n=int(rng.integers(8, 120)))
    return text.strip()


def with_mentions(text: str, handles: list[str]) -> str:
    """Append genuine mentions to a text: ``... cc @a @b``."""
    if not handles:
        return text
    return text + " cc " + " ".join("@" + h for h in handles)


def reply_text(rng: np.random.Generator, *, peer_question: bool = False) -> str:
    return _pick(rng, _QUESTION_TO_PEER if peer_question else _REPLY_TEXTS)


def quote_text(rng: np.random.Generator) -> str:
    return _pick(rng, _QUOTE_TEXTS)


def networker_post(rng: np.random.Generator, mentioned: list[str]) -> str:
    listed = " ".join("@" + h for h in mentioned)
    return _pick(rng, _NETWORKER_POSTS).format(m=listed) + " #Cycling"


def networker_reply(rng: np.random.Generator) -> str:
    return _pick(rng, _NETWORKER_REPLIES)


def brand_question(rng: np.random.Generator) -> str:
    q = _pick(rng, _QUESTIONS_TO_BRAND).format(p=_pick(rng, _PRODUCTS))
    return q[0].upper() + q[1:]


def brand_praise(rng: np.random.Generator) -> str:
    return _pick(rng, _PRAISE_TO_BRAND).format(p=_pick(rng, _PRODUCTS))


def brand_post(rng: np.random.Generator) -> str:
    return _pick(rng, _BRAND_POSTS).format(p=_pick(rng, _PRODUCTS)) + " #KestrelRide"


def brand_answer(rng: np.random.Generator) -> str:
    return _pick(rng, _BRAND_ANSWERS)


def external_post(rng: np.random.Generator) -> str:
    return _pick(rng, _EXTERNAL_POSTS)


_CAMPAIGN_CALLS = [
    "Spring is here: show us your first long ride of the year with #{tag} and win a service voucher",
    "Three days left to join #{tag}: one photo of your ride, any bike, any distance",
    "Loving your rides so far! Keep them coming with #{tag}",
    "New to cycling? #{tag} is for you too: a short ride counts",
]
_CAMPAIGN_RIDES = [
    "First proper ride of the spring, {km} km along the river #{tag}",
    "Dusted off the bike for #{tag}: {km} km and a coffee stop",
    "Joining #{tag}! {km} km before breakfast",
    "Never thought I'd ride {km} km, thanks for the push #{tag}",
    "My commute counts too: {km} km #{tag}",
]


def campaign_call(rng: np.random.Generator, tag: str) -> str:
    """The brand's call to join its campaign."""
    return _pick(rng, _CAMPAIGN_CALLS).format(tag=tag)


def campaign_ride(rng: np.random.Generator, tag: str) -> str:
    """A member's or recruit's ride post with the campaign's hashtag."""
    return _pick(rng, _CAMPAIGN_RIDES).format(tag=tag, km=int(rng.integers(5, 90)))
