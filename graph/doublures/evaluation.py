"""Precision and recall of the top-k candidates on a labelled set of pairs (tests/doublures_labelled.tsv)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from graph.namespaces import ID


@dataclass(frozen=True)
class Label:
    a: str
    b: str
    same: bool
    part: str  # "tune" or "heldout"
    seeds: tuple[str, str]

    @property
    def key(self) -> tuple[str, str]:
        return tuple(sorted((self.a, self.b)))


def read_labels(path: Path) -> list[Label]:
    lines = [
        line for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")
    ]
    labels = []
    for row in csv.DictReader(lines, delimiter="\t"):
        labels.append(
            Label(
                ID + row["a"],
                ID + row["b"],
                row["label"] == "same",
                row["part"],
                (row["seed_a"], row["seed_b"]),
            )
        )
    return labels


@dataclass
class Figures:
    k: int
    precision: float  # of the labelled pairs among the top k, the share labelled same
    recall: float  # of the pairs labelled same, the share among the top k
    found_same: int
    found_different: int
    same: int


def measure(ranked: list[tuple[str, str]], labels: list[Label], k: int) -> Figures:
    top = {tuple(sorted(pair)) for pair in ranked[:k]}
    same = [label for label in labels if label.same]
    found_same = sum(1 for label in same if label.key in top)
    found_different = sum(1 for label in labels if not label.same and label.key in top)
    found = found_same + found_different
    return Figures(
        k,
        found_same / found if found else 0.0,
        found_same / len(same) if same else 0.0,
        found_same,
        found_different,
        len(same),
    )
