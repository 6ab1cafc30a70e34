"""The blameless language check: wording that looks for someone to blame, and the systems
question to ask instead. It advises; it never blocks saving.

Each rule is a regular expression (case-insensitive) and a hint. Keep the rules here, with a
positive and a negative case for each in tests/postmortems/test_blameless_rules.py.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from postmortems.people import active_users


@dataclass(frozen=True)
class Rule:
    name: str
    pattern: re.Pattern
    hint: str


def rule(name, pattern, hint):
    return Rule(name, re.compile(pattern, re.IGNORECASE), hint)


RULES = [
    rule("who-caused", r"\bwho\s+(caused|broke|did|is\s+responsible|was\s+responsible)\b",
         "Ask what conditions allowed this, not who caused it."),
    rule("human-error", r"\b(human|operator|user|engineer)\s+error\b",
         "“Human error” ends the inquiry: what made the mistake easy to make and hard to catch?"),
    rule("should-have", r"\b(should|could|would)\s*(have|'ve)\b(?!\s+been\s+(alerted|paged))",
         "Hindsight: describe what people knew at the time and why it made sense."),
    rule("careless", r"\b(careless(ly|ness)?|negligen(t|ce)|sloppy|lazy|incompetent|stupid)\b",
         "Describe the action and its context, not a judgement of the person."),
    rule("fault-of", r"\b(fault\s+of|(?:his|her|their|[a-z]+'s)\s+fault|to\s+blame|blame[ds]?)\b",
         "Look for the conditions behind the action instead of assigning fault."),
    rule("failed-to", r"\b(failed|forgot|neglected)\s+to\b",
         "Say what the system made easy or hard, not what a person failed to do."),
]


@dataclass(frozen=True)
class Finding:
    rule: str
    phrase: str
    hint: str


PERSON_HINT = "A person is named as the cause: what about the system let this through?"
BLAME_AFTER = (r"(?:'s)?\s+(?:mistake|error|typo|messed\s+up|screwed\s+up|broke|forgot|"
               r"didn't|did\s+not|caused)")
BLAME_BEFORE = r"(?:caused\s+by|because\s+of|due\s+to|thanks\s+to)\s+"


# Either form of the person rule needs one of its blame phrases right after a word or right
# before one (a name only matches between word boundaries, so it starts and ends with a word
# character; an @mention starts with "@"): a text without that cannot match, is not searched
# for every name (most timeline rows) and needs no names read ("Errors rose at 10:05." has a
# blame word, but no word before it).
COULD_NAME_A_CAUSE = re.compile(rf"{BLAME_BEFORE}[@\w]|\w{BLAME_AFTER}", re.IGNORECASE)


def person_rule(people):
    """"@bob broke it", "caused by Alice": an @mention or a known person's name as the cause.
    Compiled once per list of names (a page checks every timeline row against the same people)."""
    return _person_rule(tuple(people))


@lru_cache(maxsize=16)
def _person_rule(people):
    names = sorted({name for name in people if name and len(name) > 1},
                   key=lambda name: (-len(name), name))
    who = r"(?:@\w+" + "".join(rf"|\b{re.escape(name)}\b" for name in names) + ")"
    return rule("person-as-cause", rf"{BLAME_BEFORE}{who}|{who}{BLAME_AFTER}", PERSON_HINT)


def check(text, people=()):
    """The blame-focused phrases found in ``text``, in order of appearance (one per rule).
    ``people``: names and usernames of the site's users, to spot a person named as the cause."""
    if not text:
        return []
    found = []
    rules = [*RULES, person_rule(people)] if COULD_NAME_A_CAUSE.search(text) else RULES
    for item in rules:
        match = item.pattern.search(text)
        if match:
            found.append((match.start(), Finding(item.name, match.group(0).strip(), item.hint)))
    return [finding for _, finding in sorted(found, key=lambda pair: pair[0])]


def known_people(users=None):
    """First names and usernames of active users (one query, none given ``users``,
    people.active_users already read), for person_rule."""
    rows = active_users() if users is None else users
    return tuple(name for _pk, username, first_name, _last_name in rows
                 for name in (username, first_name) if name)
