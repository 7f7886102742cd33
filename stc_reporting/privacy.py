"""Detecting personal data in free text, and masking it.

Trackers hold aggregates only. Free text that looks like an e-mail address, a
phone number or a street address is withheld at ingest (the record keeps a
placeholder, never the text) and reported as a privacy issue with the value masked.
The patterns favour catching too much over too little: a false alarm costs a
program manager a glance, a miss can cost a survivor's safety (docs/privacy.md has
the formats recognised and the false-alarm rate measured on ordinary program text).

The scan runs in time linear in the text, whatever the text: a cell may hold 32,767
characters typed by anyone. Every pattern starts where a lookbehind allows only the
start of a run (so a failed start costs a constant), every repetition is bounded or
possessive (so nothing is tried twice), and phone numbers are found in two steps: a
pattern collects runs of digit groups, and plain code judges each run in a bounded
window of groups.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum


class PersonalData(StrEnum):
    """The kinds of personal data the scan recognises."""

    EMAIL = "e-mail address"
    PHONE = "phone number"
    STREET_ADDRESS = "street address"

    @property
    def with_article(self) -> str:
        """The kind with its indefinite article, for messages."""
        return f"an {self.value}" if self is PersonalData.EMAIL else f"a {self.value}"


@dataclass(frozen=True, slots=True)
class _Span:
    start: int
    end: int
    kind: PersonalData


# --- Normalisation -------------------------------------------------------------------------
# Full-width and other compatibility forms ("ａｎａ＠ｅｘａｍｐｌｅ．ｃｏｍ", "５１０") read as
# their plain letters (NFKC), and invisible format characters (zero-width spaces, bidi
# marks, soft hyphens) are dropped, so neither hides personal data from the patterns.
# Each character is normalised alone, so every position of the scanned text maps back to
# the character of the cell it came from and `redact` masks exactly that stretch.


def _normalised(text: str) -> tuple[str, list[int] | None]:
    """The text to scan, and for each of its characters the index it came from (None: same)."""
    if text.isascii() or (
        unicodedata.is_normalized("NFKC", text)
        and not any(unicodedata.category(c) == "Cf" for c in text if not c.isascii())
    ):
        return text, None
    pieces: list[str] = []
    origin: list[int] = []
    for index, character in enumerate(text):
        if character.isascii():
            pieces.append(character)
            origin.append(index)
            continue
        if unicodedata.category(character) == "Cf":
            continue
        plain = unicodedata.normalize("NFKC", character)
        pieces.append(plain)
        origin.extend([index] * len(plain))
    origin.append(len(text))
    return "".join(pieces), origin


# --- E-mail addresses ------------------------------------------------------------------------
# Any host: names with dots, a single label ("ana@gmail", typed without its ending), an IP
# address, a bracketed address literal, any script. The local part is at most 64
# characters and each host label at most 63 (RFC 5321), which bounds every attempt.
_LOCAL = r"[\w.!#$%&'*+/=?^`{|}~\"-]"
_EMAIL = re.compile(
    rf"(?:\"[^\"\n]{{1,64}}+\"|(?<!{_LOCAL}){_LOCAL}{{1,64}}+)@(?:\[[\w.:]{{1,64}}+\]|[\w-]{{1,63}}+(?:\.[\w-]{{1,63}}+){{0,8}}+)"
)
# Spelled out: "ana [at] example [dot] org", "ana (arroba) ejemplo (punto) com", and the bare
# "ana at example dot org" when the address ends in a common top-level domain.
_AT = r"(?:\s{0,3}+[\[({<]\s{0,3}+(?:at|arroba)\s{0,3}+[\])}>]\s{0,3}+)"
_DOT = r"(?:\s{0,3}+[\[({<]\s{0,3}+(?:dot|punto)\s{0,3}+[\])}>]\s{0,3}+|\.)"
_BARE_DOT = r"(?:\s{1,3}+(?:dot|punto)\s{1,3}+)"
_TLD = r"(?:com|org|net|edu|gov|info|biz|io|co|us|mx|es|ca|uk|de|fr|it|ar|cl|pe)"
_SPELLED_EMAIL = re.compile(
    rf"(?i)(?<![\w.+-])[\w.+-]{{1,64}}+(?:{_AT}[\w-]{{1,63}}+(?:{_DOT}[\w-]{{1,63}}+){{1,8}}+"
    rf"|\s{{1,3}}+(?:at|arroba)\s{{1,3}}+[\w-]{{1,63}}+(?:{_BARE_DOT}[\w-]{{1,63}}+){{0,4}}"
    rf"{_BARE_DOT}{_TLD}(?!\w))"
)

_SPELLED_AT = re.compile(r"(?i)[\s\[({<](?:at|arroba)[\s\])}>]")

# --- Phone numbers ---------------------------------------------------------------------------
# A run of digit groups joined by spaces, dots, hyphens, dashes or slashes (or nothing after
# a parenthesis: "(510)555 0199"), the first optionally after "+", any group optionally in
# parentheses. The run starts at the start of a number (not after a letter, digit, comma,
# point, "#", "$" or hyphen, so "ACT-2020-0042", "#2020-0451" and "$1,200" never start one)
# and stops before a group glued to a letter ("Room 12B"). Each group is taken
# possessively: a run is read once.
_GROUP = r"\(?\d{1,15}+(?![\w])\)?"
_SEPARATOR = r"(?:[ ./\-\u2010-\u2015]{1,3}+|(?<=\))(?=\d))"
_PHONE_RUN = re.compile(rf"(?<![\w,.#$/+-])(\+\s?)?{_GROUP}(?:{_SEPARATOR}{_GROUP})*+")
_DIGIT_GROUP = re.compile(r"\d++")
_PHONE_WORDS = re.compile(
    r"(?i)\b(?:tel|tfno|telf|phone|cell|cel|m[oó]vil|celular|whats ?app|fax|llam[ae]\w{0,8}|call"
    r"|text|n[uú]mero|number|contact[oa]?)(?:\W{1,3}(?:al|a|el|to|at|on))?\W{0,4}$"
)
_LIST = "|"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015"
_E164_MAX_DIGITS = 15
_LOCAL_NUMBER_DIGITS = 7
_MAX_GROUP_DIGITS = 5


def _is_year(group: str) -> bool:
    return len(group) == 4 and group[:2] in ("19", "20") and group.isdigit()


def _looks_like_date(groups: list[str]) -> bool:
    """`2020-03-15`, `3/15/2020`, `15.03.2020`: three groups, one a year, two of 1-2 digits."""
    if len(groups) != 3:
        return False
    first, middle, last = groups
    small = len(middle) <= 2 and (len(first) <= 2 or len(last) <= 2)
    return small and (_is_year(first) or _is_year(last))


def _looks_like_amount(groups: list[str], separators: set[str]) -> bool:
    """`1.200.000`, `12 500 000`: thousands groups, the first of one or two digits."""
    return (
        len(separators) == 1
        and separators <= {".", " ", ","}
        and len(groups[0]) <= 2
        and all(len(group) == 3 for group in groups[1:])
    )


def _looks_like_range(groups: list[str], separators: set[str]) -> bool:
    """`1200-1500`, `2019/2021`: two numbers of one length, the second the larger."""
    first, second = groups
    return separators <= {"-", "/"} and len(first) == len(second) and int(second) > int(first)


def _is_not_a_phone(groups: list[str], separators: set[str]) -> bool:
    """Program numbers shaped like a phone's digits: years, ranges, dates, amounts."""
    if sum(_is_year(group) for group in groups) >= 2:  # "2019-2021", "2 (2019-2020)"
        return True
    if len(groups) == 2 and (
        (_is_year(groups[0]) and len(groups[1]) == 2)  # "2019-20"
        or (separators == {" "} and _is_year(groups[1]))  # "120 2021 graduates"
        or (separators == {"."} and len(groups[0]) != 3)  # 12.5000, 3.14159
        or _looks_like_range(groups, separators)
    ):
        return True
    return _looks_like_date(groups) or _looks_like_amount(groups, separators)


def _is_phone(groups: list[str], separators: set[str], *, plus: bool, named: bool) -> bool:
    """Whether consecutive digit groups read as a phone number.

    Args:
        groups: The digits of each group, in order.
        separators: The separators between them, one character each.
        plus: The run starts with "+" (an international number).
        named: A word such as "tel." or "llamar" comes just before the run.
    """
    digits = sum(len(group) for group in groups)
    if not _LOCAL_NUMBER_DIGITS <= digits <= _E164_MAX_DIGITS:
        return False
    if plus or named:
        return True
    if len(groups) == 1:
        return digits >= 10  # a bare 5105550199; a bare 1200000 is a count
    if len(groups[0]) == 1 and (groups[0] != "1" or len(groups[1]) != 3):
        return False  # only the US trunk code stands alone: "1 510 555 0199"
    return not _is_not_a_phone(groups, separators)


def _phone_spans(text: str) -> Iterator[_Span]:
    for run in _PHONE_RUN.finditer(text):
        if run.end() - run.start() < _LOCAL_NUMBER_DIGITS:
            continue  # too short to hold seven digits
        named = _PHONE_WORDS.search(text, max(0, run.start() - 16), run.start()) is not None
        plus = run.group(1) is not None
        for start, end in _phones_in_run(run.group(), plus=plus, named=named):
            yield _Span(run.start() + start, run.start() + end, PersonalData.PHONE)


def _phones_in_run(run: str, *, plus: bool, named: bool) -> Iterator[tuple[int, int]]:
    """The stretches of a run that read as phone numbers, each the widest window of groups.

    A window grows only while it could still be a phone (at most 15 digits, groups after
    the first of 2 to 5 digits), and each group's digits and each separator are read once,
    so a run of thousands of groups ("1 1 1 1 …") costs a constant per group.
    """
    between = _DIGIT_GROUP.split(run)  # what comes before, between and after the groups
    digits = _DIGIT_GROUP.findall(run)
    separators = [_separator(text) for text in between[1:-1]]
    # Where each group starts: the lengths of all that comes before it, added up once.
    lengths = itertools.chain.from_iterable(zip(map(len, between), map(len, digits), strict=False))
    starts = list(itertools.accumulate(lengths))[::2]
    first = 0
    while first < len(digits):
        at_start = first == 0
        found = _widest_phone(
            digits, separators, first, plus=plus and at_start, named=named and at_start
        )
        if found is None:
            first += 1
            continue
        start = 0 if at_start else starts[first]
        end = starts[found] + len(digits[found])
        yield (start, end + (run[end : end + 1] == ")"))
        first = found + 1


def _widest_phone(
    digits: list[str], separators: list[str], first: int, *, plus: bool, named: bool
) -> int | None:
    """The last group of the widest phone number starting at group `first`, if any."""
    loose = plus or named
    ends: list[int] = []
    count = 0
    for last in range(first, len(digits)):
        size = len(digits[last])
        count += size
        if count > _E164_MAX_DIGITS or (
            last > first
            and (separators[last - 1] == _LIST or not (loose or 2 <= size <= _MAX_GROUP_DIGITS))
        ):
            break
        if count >= _LOCAL_NUMBER_DIGITS:
            ends.append(last)
    return next(
        (
            last
            for last in reversed(ends)
            if _is_phone(
                digits[first : last + 1],
                set(separators[first:last]),
                plus=plus,
                named=named,
            )
        ),
        None,
    )


@functools.lru_cache(maxsize=256)
def _separator(between: str) -> str:
    """The separator between two groups, one character: `") "` and `" - "` read as they look.

    A slash between spaces separates two numbers (`510-555-0199 / 510-555-0142`).
    """
    if between.strip() == "/" and between != "/":
        return _LIST
    tidy = between.replace("(", "").replace(")", "").strip() or " "
    return "-" if tidy[0] in _DASHES else tidy[0]


# --- Street addresses -------------------------------------------------------------------------
# Number first ("221B Baker Street", "12-B Elm St", "500 3rd Street"): a house number, at
# most one letter after it, one to five words of a street name, and a street suffix.
# Suffixes that are rarely anything else match in any case ("77 elm st"); those that are
# common words ("12 person healing circle", "20 family court staff") only capitalised.
_PLAIN_SUFFIXES = (
    "street|st|avenue|ave|boulevard|blvd|road|rd|drive|dr|lane|ln|highway|hwy|parkway|pkwy|"
    "terrace|expressway|expy|freeway|fwy"
)
_NAME_SUFFIXES = "Way|Court|Ct|Place|Pl|Circle|Trail|Alley|Plaza|Square|Loop|Row"
_HOUSE_NUMBER = r"(?<![\w.,/-])\d{1,6}+(?:-?[A-Za-z](?![\w]))?"
_STREET_WORD = r"(?:\d{1,4}+(?:st|nd|rd|th)|[^\W\d_][\w'.-]{0,40}+)"
_NUMBER_FIRST = re.compile(
    rf"{_HOUSE_NUMBER}\s{{1,3}}+(?:[NSEW]\.?\s{{1,3}}+)?(?:{_STREET_WORD}\s{{1,3}}+){{1,5}}"
    rf"(?:(?i:{_PLAIN_SUFFIXES})|{_NAME_SUFFIXES})\b"
    r"|(?<![\w.,/-])\d{1,6}+\s{1,3}+(?i:el\s{1,3}camino|camino|calle|avenida|paseo|via)\s{1,3}+[^\W\d_]"
    r"[\w'.-]{0,40}+(?:\s{1,3}+[A-Z][\w'.-]{0,40}+){0,3}"
)
# Number after the street, as Spanish, Italian, Portuguese, French and German write it:
# "Calle Mayo 123", "Avenida Juárez 45", "C/ Mayor 7", "Av. Reforma No. 222", "Via Roma
# 10", "Hauptstraße 5". Words that are also ordinary words ("la calle", "via Zoom",
# "Plaza Fiesta 2020") need the number not to be followed by a lowercase word ("via Zoom 12
# times") unless it carries a number sign ("No.", "#", "núm.").
_STREET_FIRST_WORDS = (
    r"calle|c/|cl\.|avenida|avda\.?|av\.?|ave\.?|paseo|pso\.|carrera|cra\.?|kra\.?|calzada|"
    r"callej[oó]n|privada|cerrada|andador|prolongaci[oó]n|carretera|ctra\.|bulevar|blvd\.?|"
    r"boulevard|camino|ronda|traves[ií]a|glorieta|pasaje|diagonal|transversal|plaza|pza\.|"
    r"via|v[ií]a|viale|vicolo|piazza|piazzale|corso|largo|strada|rua|travessa|rue|"
    r"chemin|all[eé]e|quai|place|impasse"
)
_NUMBER_SIGN = r"(?i:n[oº°]\.?|n\.\s?[oº°]\.?|n[uú]m\.?|n[uú]mero|#)"
_NAME_WORD = rf"(?:(?!{_NUMBER_SIGN}\s{{0,3}}+\d)[^\W\d_][\w'.-]{{0,40}}+|\d{{1,2}}+\s(?:de|of)\b)"
# Streets named by number take a number sign before the house number, as Colombia and
# others number them: "Carrera 7 # 45-12".
_ARTICLES = r"de\s{1,3}las|de\s{1,3}los|de\s{1,3}la|del|de|das|dos|da|do|della|di|des|du"
_STREET_FIRST = re.compile(
    rf"(?<![\w/])(?i:{_STREET_FIRST_WORDS})(?:(?<=[/.])\s{{0,3}}+|\s{{1,3}}+)"
    rf"(?:(?P<grid>\d{{1,3}}+[A-Za-z]?\s{{0,3}}+{_NUMBER_SIGN}\s{{0,3}}+\d{{1,3}}+"
    r"(?:\s?-\s?\d{1,3}+)?)"
    rf"|(?:(?i:{_ARTICLES})\s{{1,3}}+)?"
    rf"(?P<name>(?:{_NAME_WORD}\s{{1,3}}+){{1,5}})"
    rf"(?:{_NUMBER_SIGN}\s{{0,3}}+(?P<signed>\d{{1,5}}+)|(?P<bare>\d{{1,5}}+))"
    r"(?:\s?-?\s?[A-Za-z](?![\w]))?(?![\w]))"
)
# German writes the street word onto the name: "Hauptstraße 5", "Bahnhofstr. 12".
_JOINED_STREET = re.compile(
    r"\b[A-ZÄÖÜ][^\W\d_]{1,30}?(?:straße|strasse|str\.|gasse|weg|platz|allee)"
    r"\s{0,3}+\d{1,4}+[a-z]?\b"
)
# The first letter is matched before the lookbehind so the engine skips ahead to a "p" or an
# "a" in fast code instead of trying the pattern at every position.
_PO_BOX = re.compile(
    r"(?i)[pa](?<![\w][pa])(?:\.?\s?o\.?\s{1,3}+box|partado\s{1,3}+postal|pdo\.(?:\s{0,3}+postal)?)"
    r"\s{0,3}+(?:n[oº°]\.?\s{0,3}+|#\s{0,3}+)?\d{1,6}+"
)
_LOWERCASE_WORD_NEXT = re.compile(r"\s{1,3}+[a-záéíóúñü]")


def _street_first_spans(text: str) -> Iterator[_Span]:
    for match in _STREET_FIRST.finditer(text):
        if match.group("bare") is not None and _is_ordinary_words(text, match):
            continue
        yield _Span(match.start(), match.end(), PersonalData.STREET_ADDRESS)


def _is_ordinary_words(text: str, match: re.Match[str]) -> bool:
    """A street word used as an ordinary word: "en la calle 20 jóvenes", "via Zoom 12 times".

    Without a number sign, an address starts with a capital ("Calle Mayo 123"), names
    its street with a capital or a number ("Calle 5 de Mayo 12"), has a house number that
    is not a year ("Plaza Fiesta 2020") and no lowercase word right after the number.
    """
    name = match.group("name")
    return (
        match.group()[0].islower()
        or not (name[0].isupper() or name[0].isdigit())
        or _is_year(match.group("bare"))
        or _LOWERCASE_WORD_NEXT.match(text, match.end()) is not None
    )


def _pattern_spans(pattern: re.Pattern[str], kind: PersonalData, text: str) -> Iterator[_Span]:
    return (_Span(m.start(), m.end(), kind) for m in pattern.finditer(text))


_DIGIT = re.compile(r"\d")
_LETTER = re.compile(r"[^\W\d_]")


def _spans_of(kind: PersonalData, text: str) -> Iterator[_Span]:
    # Each kind needs characters a quick scan finds first: most cells have none of them.
    if kind is PersonalData.EMAIL:
        if "@" in text:
            yield from _pattern_spans(_EMAIL, kind, text)
        if _SPELLED_AT.search(text):
            yield from _pattern_spans(_SPELLED_EMAIL, kind, text)
    elif not _DIGIT.search(text):
        return
    elif kind is PersonalData.PHONE:
        yield from _phone_spans(text)
    elif _LETTER.search(text):
        yield from _pattern_spans(_NUMBER_FIRST, kind, text)
        yield from _street_first_spans(text)
        yield from _pattern_spans(_JOINED_STREET, kind, text)
        yield from _pattern_spans(_PO_BOX, kind, text)


WITHHELD_TEXT = "[withheld: personal data]"
_WITHHELD_PREFIX = "withheld-"


def withheld_id(text: str) -> str:
    """Stand in for an ID that looks like personal data, keeping it distinct and matchable.

    The same ID gives the same token in every tab, so references between tabs still
    line up; the token reveals nothing of the text.
    """
    return _WITHHELD_PREFIX + hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def is_withheld_id(identifier: str) -> bool:
    """Whether an ID is the stand-in `withheld_id` made for personal-looking text."""
    return identifier.startswith(_WITHHELD_PREFIX)


def find_personal_data(text: str) -> PersonalData | None:
    """Return the first kind of personal data the text appears to contain, if any.

    Args:
        text: Free text from a tracker cell.

    Returns:
        The kind found (e-mail address first, then phone number, then street address),
        or None when the text looks clean.
    """
    scanned, _ = _normalised(text)
    return next((kind for kind in PersonalData if next(_spans_of(kind, scanned), None)), None)


def mask(kind: PersonalData) -> str:
    """Return the masked form of a value that held personal data of this kind."""
    return f"[{kind.value} masked]"


def redact(text: str) -> str:
    """Replace every stretch of text that looks like personal data with its mask.

    Every `Issue` passes its value, column and message through this, so no issue
    can carry personal data whatever rule produced it. Text with nothing personal in it
    comes back unchanged, character for character (it is not normalised).
    """
    scanned, origin = _normalised(text)
    spans = sorted(
        (span for kind in PersonalData for span in _spans_of(kind, scanned)),
        key=lambda span: (span.start, -span.end),
    )
    if not spans:
        return text
    pieces: list[str] = []
    position = 0
    for span in spans:
        start, end = _original(span.start, origin), _original(span.end, origin)
        if start < position:  # overlaps a stretch already masked: that mask covers it too
            position = max(position, end)
            continue
        pieces.extend((text[position:start], mask(span.kind)))
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def _original(index: int, origin: list[int] | None) -> int:
    return index if origin is None else origin[index]


def mask_if_personal(value: str) -> str:
    """Return the value, or its masked form if it looks like personal data.

    Used on every value that leaves the pipeline in an issue, as a second line of
    defence behind the ingest scan.
    """
    kind = find_personal_data(value)
    return value if kind is None else mask(kind)
