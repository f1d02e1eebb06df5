"""Scoring a pair from several kinds of evidence, and the evidence a coordinator is shown.

Each kind gives a number in [0, 1]; the score is their weighted sum, plus a bonus for a link
the documents state. The weights were set on the tuning part of tests/doublures_labelled.tsv
(never on its held-out part); benchmarks/RESULTS.md gives the figures on both.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from graph.doublures.embodiment import Embodiment
from graph.doublures.features import TfIdf, stem_string
from graph.doublures.records import Record

WEIGHTS = {"name": 0.40, "words": 0.30, "parties": 0.15, "aims": 0.10, "area": 0.05, "period": 0.05}
RELATED_BONUS = 0.10  # skos:related: the curators saw the same idea under another name
CONTINUED_BONUS = 0.05  # one carried on under a goal the other serves: every measure of that goal
MENTION_BONUS = 0.05  # an action that is an initiative, and the curators recorded that it names it
SAME_INITIATIVE_BONUS = 0.10  # two actions that each are one initiative (embodiment.py)
SIBLING_FACTOR = (
    0.5  # items listed side by side (a, b, c of one action; one list) are distinct by the document
)
NAME_FLOOR = 0.45
MAX_NAMES = 6
MIN_SCORE = 0.30  # below this a pair is not shown


@dataclass
class Candidate:
    a: str
    b: str
    score: float
    evidence: dict = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str]:
        return self.a, self.b


def name_similarity(x: Record, y: Record, ignore: frozenset = frozenset()) -> tuple[float, str, str]:
    """The best match between any name of x and any name of y (stemmed, word order free), and
    the two names that gave it, leaving out the names in `ignore`. A short name wholly inside a
    long one scores less than equal names: "Jet-Net" is part of "Jet-Net Junior", not the same."""
    best = (0.0, x.name, y.name)
    # At most MAX_NAMES names each: a few items carry a dozen spellings, and every pair of them
    # is a comparison.
    for nx in [n for n in x.names if n not in ignore][:MAX_NAMES] or [x.name]:
        sx = stem_string(nx)
        for ny in [n for n in y.names if n not in ignore][:MAX_NAMES] or [y.name]:
            sy = stem_string(ny)
            if not sx or not sy:
                continue
            value = (fuzz.token_set_ratio(sx, sy) + fuzz.token_sort_ratio(sx, sy)) / 200
            # Any two Dutch sentences share letters: about 0.45 is what unrelated names score.
            value = max(0.0, (value - NAME_FLOOR) / (1 - NAME_FLOOR))
            if value > best[0]:
                best = (value, nx, ny)
    return best


def _overlap(a: set, b: set) -> float:
    """Shared items against the geometric mean of the sizes (Ochiai): one shared of two is
    worth more than one shared of twenty."""
    if not a or not b:
        return 0.0
    return len(a & b) / math.sqrt(len(a) * len(b))


def _period_overlap(x: Record, y: Record) -> float | None:
    if not x.years or not y.years:
        return None
    start, end = max(x.years[0], y.years[0]), min(x.years[1], y.years[1])
    if end < start:
        return 0.0
    return (end - start + 1) / (max(x.years[1], y.years[1]) - min(x.years[0], y.years[0]) + 1)


def stated_links(
    x: Record, y: Record, continued: dict[str, set[str]], embodied: dict[str, set[str]] | None = None
) -> list[str]:
    """Links the documents state between the two: skos:related, continuity (one is carried
    on under a goal of a later plan that the other serves), or both actions are one initiative
    (`embodied`: action → the initiatives it is)."""
    links = []
    if y.iri in x.related or x.iri in y.related:
        links.append("related")
    if continued.get(x.iri, set()) & y.goals or continued.get(y.iri, set()) & x.goals:
        links.append("continued")
    if embodied and embodied.get(x.iri, set()) & embodied.get(y.iri, set()):
        links.append("same-initiative")
    return links


def score(
    x: Record,
    y: Record,
    tfidf: TfIdf,
    continued: dict[str, set[str]],
    min_score: float = 0.0,
    embodiment: Embodiment | None = None,
    embodied: dict[str, set[str]] | None = None,
) -> Candidate | None:
    """The pair's score and evidence; None below `min_score` (most compared pairs: the evidence
    is then not written out). An action and an initiative are scored with `embodiment` (the
    evidence that the action is the initiative) in place of the similarity of their names;
    `embodied` tells of two actions which initiatives each of them is."""
    # Listed side by side: parts of one action, or items cited from exactly the same sections
    # (one list of one document). The document counts them as two; only strong evidence of
    # sameness should still put them high. A label both carry names both (the overview's row
    # "Ontwikkelen (experimenten) … (Vakmanschap- en Technologieroute)" on two routes): it is
    # no evidence that they are one.
    # An initiative named in an action's own sentence shares its section: no sign of a list.
    siblings = embodiment is None and (
        bool(x.parents & y.parents) or (bool(x.sections) and x.sections == y.sections)
    )
    words, shared_words = tfidf.cosine(x.iri, y.iri)
    parties = min(1.0, _overlap(x.parties, y.parties) + (0.5 if x.owners & y.owners else 0.0))
    # Aims: a goal, a target or an initiative both name (two actions about one programme).
    aims = max(
        _overlap(x.goals, y.goals), _overlap(x.targets, y.targets), _overlap(x.initiatives, y.initiatives)
    )
    same_area = x.areas & y.areas or x.landsdelen & y.landsdelen
    period = _period_overlap(x, y)
    links = stated_links(x, y, continued, embodied)
    if embodiment is not None and embodiment.mentioned:
        links.append("mentions")
    value = (
        WEIGHTS["words"] * words
        + WEIGHTS["parties"] * parties
        + WEIGHTS["aims"] * aims
        + WEIGHTS["area"] * (1.0 if same_area else 0.0)
        + WEIGHTS["period"] * (period or 0.0)
        + (RELATED_BONUS if "related" in links else 0.0)
        + (CONTINUED_BONUS if "continued" in links else 0.0)
        + (MENTION_BONUS if "mentions" in links else 0.0)
        + (SAME_INITIATIVE_BONUS if "same-initiative" in links else 0.0)
    )
    factor = SIBLING_FACTOR if siblings else 1.0
    if (value + WEIGHTS["name"]) * factor < min_score:  # even equal names would not lift it: skip them
        return None
    if embodiment is not None:
        name = embodiment.strength
        name_x, name_y = (
            (embodiment.initiative_name, embodiment.action_name)
            if x.kind == "initiative"
            else (embodiment.action_name, embodiment.initiative_name)
        )
    else:
        shared_names = frozenset(x.names) & frozenset(y.names) if siblings else frozenset()
        name, name_x, name_y = name_similarity(x, y, shared_names)
    value = (value + WEIGHTS["name"] * name) * factor
    if value < min_score:
        return None
    a, b = sorted((x, y), key=lambda r: r.iri)
    evidence = {
        "name": round(name, 3),
        "names": [name_x, name_y] if a is x else [name_y, name_x],
        "words": round(words, 3),
        "shared_words": shared_words[:12],
        "parties": sorted(x.parties & y.parties),
        "owners": sorted(x.owners & y.owners),
        "goals": sorted(x.goals & y.goals),
        "targets": sorted(x.targets & y.targets),
        "initiatives": sorted(x.initiatives & y.initiatives),
        "same_initiative": sorted(embodied.get(x.iri, set()) & embodied.get(y.iri, set()))
        if embodied
        else [],
        "areas": sorted(x.areas & y.areas) or sorted(x.landsdelen & y.landsdelen),
        "period": None if period is None else round(period, 2),
        "links": links,
        "same_plan": bool(x.plans & y.plans),
        "siblings": siblings,
        "embodies": None if embodiment is None else embodiment.as_evidence(),
    }
    return Candidate(a.iri, b.iri, round(min(value, 1.0), 4), evidence)
