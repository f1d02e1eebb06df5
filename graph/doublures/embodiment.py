"""An action and the initiative it is or sets up: the evidence that lets the two kinds meet.

An action and an initiative are different kinds of item, and most actions that name an
initiative only use, fund or support it ("via onder andere de STEM Teacher Academy",
"aanvragen voor het Regionaal investeringsfonds mbo"): letting every action meet every
initiative fills the list with such pairs. They are compared only when there is evidence of
more than a mention, and that evidence is read from the action's own names, as the documents
word them:

* the names contain (nearly) all the distinctive name stems of one of the initiative's names
  (weighted by how rare each stem is, so that "mbo" counts for less than "investeringsfonds");
* the words just before that name say the action is it or sets it up: the name leads the
  action's name ("Regionaal investeringsfonds mbo: …", "Project PIE: …"), or a word of setting
  up, running or continuing stands before it ("Ontwikkelen van een Provinciaal Investeringsfonds
  Techniek", "Start Fieldlab Sociale Innovatie", "Oprichten van digitaal loket …") — and no word
  of using, joining or counting stands nearer ("via", "zoals", "in het kader van", "aanvragen
  voor", "deelnemers", an opening parenthesis);
* the action names another initiative before this one: then it is about that one first
  ("Start Fieldlab Sociale Innovatie … met de fysieke Smart Industry Fieldlabs").

Whether the curators recorded that the action mentions the initiative (tp:mentions) is told
beside it; it is what lets the blocking compare the pair at all, at any size.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from graph.doublures.features import TfIdf, plain_words, split_compounds, stem, stems
from graph.doublures.records import Record

# Words (lower case, no accents) that, standing before an initiative's name in an action's name,
# say the action sets the initiative up, runs or continues it: the action is the initiative.
SETS_UP = frozenset(
    """
oprichten opricht opgericht oprichting richten richt opzetten opzet opgezet start starten
gestart startte ontwikkelen ontwikkelt ontwikkeling ontwikkeld doorontwikkelen doorontwikkeling
doorontwikkeld introduceren introduceert introductie invoeren invoering creeren creeert
gecreeerd realiseren realiseert realisatie omvormen omgevormd uitvoeren uitvoering voortzetten
voortgezet continueren experimenteren stellen stelt beschikbaar beschikking
""".split()
)
# Words that say the action uses, joins, funds, counts or studies an initiative that exists
# apart from it.
USES = frozenset(
    """
via zoals als bijvoorbeeld andere waaronder oa binnen in kader aanvragen aanvraag deelnemen
deelname deelnemers participeren participatie aantal met onderzoek onderzoeken verkenning
verkennen opschaling opschalen uitbreiding ondersteunen ondersteuning cofinanciering steun
benutten gebruik gebruiken ervaring ervaringen rond tussen uit
""".split()
)
# Words that may stand before a name that leads: articles and what the thing is called.
LEADING = frozenset("de het een project pilot programma regeling experiment actieplan".split())
WINDOW = 6  # words looked at before the name: a cue further away governs another phrase
MIN_CONTAINED = 0.75  # share of the initiative's name (by weight) that the action's name holds

# How much of the name evidence each reading keeps.
CUE_FACTOR = {"leads": 1.0, "sets up": 1.0}


@dataclass(frozen=True)
class Embodiment:
    contained: float  # the weighted share of the initiative's name found in the action's name
    action_name: str
    initiative_name: str
    cue: str  # "leads" or "sets up" (a name used, or named without a cue, makes none)
    cue_word: str  # the word that said so, as written ("" for leads and none)
    mentioned: bool  # the curators recorded tp:mentions

    @property
    def strength(self) -> float:
        return self.contained * CUE_FACTOR[self.cue]

    def as_evidence(self) -> dict:
        return {
            "contained": round(self.contained, 3),
            "cue": self.cue,
            "cue_word": self.cue_word,
            "mentioned": self.mentioned,
        }


@lru_cache(maxsize=100_000)
def _tokens(name: str) -> tuple[tuple[str, str], ...]:
    """(plain word, word as written) of a name, and "(" where a parenthesis opens."""
    found = []
    for match in re.finditer(r"\(|\w+", name):
        written = match.group()
        for word in plain_words(written) if written != "(" else ["("]:
            found.append((word, written))
    return tuple(found)


def _squashed(words) -> str:
    return "".join(w for w in words if w != "(")


@lru_cache(maxsize=100_000)
def _letters(name: str) -> str:
    """A name's letters and digits only: "Topsector-beurzen" → "topsectorbeurzen"."""
    return _squashed(plain_words(name))


@lru_cache(maxsize=100_000)
def _stems(name: str) -> tuple[str, ...]:
    return tuple(stems(name))


def _squashed_at(action_name: str, initiative_name: str) -> tuple[int, int] | None:
    """The tokens of the action's name (first, one past the last) that spell the initiative's
    name, its letters compared whole (written as one word or several: "topsector-beurzen",
    "topsectorbeurzen"), beginning and ending at word boundaries ("CIV" is not in "CIVON")."""
    wanted = _letters(initiative_name)
    if not wanted:
        return None
    joined, starts, ends = "", {}, {}
    for i, (w, _) in enumerate(_tokens(action_name)):
        if w != "(":
            starts[len(joined)] = i
            joined += w
            ends[len(joined)] = i + 1
    at = joined.find(wanted)
    while at >= 0:
        if at in starts and at + len(wanted) in ends:
            return starts[at], ends[at + len(wanted)]
        at = joined.find(wanted, at + 1)
    return None


def _span(action_name: str, initiative_name: str, name_stems: tuple[str, ...]) -> tuple[int, int] | None:
    """Where in the action's name (token indices, first and one past the last) the initiative's
    name is: spelled whole, or else from its first stem found."""
    found = _squashed_at(action_name, initiative_name)
    if found is not None:
        return found
    for i, (w, _) in enumerate(_tokens(action_name)):
        if w != "(" and stem(w) in name_stems:
            return i, i + len(name_stems)
    return None


def _cue(action_name: str, position: int) -> tuple[str, str]:
    """How the words before `position` read: "leads", "sets up", "uses" or "none", and the word."""
    tokens = _tokens(action_name)
    if position > 0 and tokens[position - 1][0] == "(":
        return "uses", "("  # a name in parentheses is an example of what the action is about
    start = max(0, position - WINDOW)
    for i in range(position - 1, start - 1, -1):
        word, written = tokens[i]
        if word in USES:
            return "uses", written
        # "het op te richten digitale loket": a verb after "te" describes the noun (the desk
        # to be set up); what the action does with it is said further back ("participeren in").
        if word in SETS_UP and not (i > 0 and tokens[i - 1][0] == "te"):
            return "sets up", written
    if all(w in LEADING or w.isdigit() or w == "(" for w, _ in tokens[:position]):
        return "leads", ""
    return "none", ""


def contained(action_name: str, initiative_name: str, tfidf: TfIdf, vocabulary: set[str]) -> float:
    """The share of the initiative's name stems, weighted by their idf, that the action's name holds."""
    if _squashed_at(action_name, initiative_name) is not None:
        return 1.0
    wanted = _stems(initiative_name)
    if not wanted:
        return 0.0
    have = set(split_compounds(list(_stems(action_name)), vocabulary))
    weights = [tfidf.idf.get(s, tfidf.max_idf) for s in wanted]
    return sum(w for s, w in zip(wanted, weights) if s in have) / sum(weights)


def embodies(
    action: Record, initiative: Record, tfidf: TfIdf, vocabulary: set[str], names: dict[str, list[str]]
) -> Embodiment | None:
    """The best reading of any of the action's names against any of the initiative's, or None
    when none holds the initiative's name or every one that does says the action only uses it.
    `names`: initiative → its names, to tell whether another initiative is named first."""
    best = None
    for initiative_name in initiative.names:
        own = _stems(initiative_name)
        if not own:
            continue
        for action_name in action.names:
            share = contained(action_name, initiative_name, tfidf, vocabulary)
            if share < MIN_CONTAINED:
                continue
            span = _span(action_name, initiative_name, own)
            if span is None or _within_longer(action_name, initiative_name, initiative.iri, action, names):
                continue
            cue, word = _cue(action_name, span[0])
            first = plain_words(initiative_name)[0]
            if first in USES:  # the name as the documents wrote it: "Via Eerst de Klas"
                cue, word = "uses", first
            if cue in ("uses", "none") or _beside_another(action_name, span, initiative.iri, action, names):
                continue
            mentioned = initiative.iri in action.initiatives or action.iri in initiative.initiatives
            found = Embodiment(share, action_name, initiative_name, cue, word, mentioned)
            if best is None or found.strength > best.strength:
                best = found
    return best


def _beside_another(action_name: str, span: tuple[int, int], iri: str, action: Record, names) -> bool:
    """Whether the action's name is first about another initiative it mentions: named before
    this one, or joined to it by "en" ("De HTNO-netwerken en de regionale VO-HO-netwerken
    worden verbonden" is about the two together)."""
    tokens = [w for w, _ in _tokens(action_name)]
    before = _squashed(tokens[: span[0]])
    # "en" may follow a head noun of the name ("HTNO-netwerken en"), and the other's name an
    # article and an adjective ("en de regionale VO-HO-netwerken")
    rest = tokens[span[1] : span[1] + 2]
    joined = tokens[span[1] + rest.index("en") + 1 :][:8] if "en" in rest else []
    after = [_squashed(joined[skip:]) for skip in range(3)] if joined else []
    for other in action.initiatives - {iri}:
        for name in names.get(other, ()):
            squashed = _letters(name)
            if len(squashed) > 3 and (squashed in before or any(a.startswith(squashed) for a in after)):
                return True
    return False


def _within_longer(action_name: str, initiative_name: str, iri: str, action: Record, names) -> bool:
    """Whether the name found is part of the longer name of another initiative the action
    mentions, found there too: "Toptechniek" in "Toptechniek in Bedrijf" is that one."""
    short = _letters(initiative_name)
    for other in action.initiatives:
        if other == iri:
            continue
        for name in names.get(other, ()):
            long = _letters(name)
            if len(long) > len(short) and short in long and _squashed_at(action_name, name) is not None:
                return True
    return False


def may_embody(action: Record, initiative: Record) -> bool:
    """Cheap test for the blocking: a mention recorded, or an initiative name whose stems are all
    among the action's name stems."""
    if initiative.iri in action.initiatives or action.iri in initiative.initiatives:
        return True
    have = {s for name in action.names for s in _stems(name)}
    return any((own := set(_stems(n))) and own <= have for n in initiative.names)
