"""The ECB+ corpus (Cybulska & Vossen 2014) as plain-text articles with their event labels.

Shared by the evaluation scripts (relations.py, stories.py). ECB+ is token XML: one file per
article under ``ECB+/<topic>/<topic>_<n>ecb.xml`` (the topic's first event) or
``..._<n>ecbplus.xml`` (its second, look-alike event). The data is never copied into the
repository: scripts take its path (default ``../shared/data/ecb-plus``).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

__all__ = ["DEFAULT_ECB", "EcbArticle", "read_ecb", "read_ecb_xml"]

DEFAULT_ECB = Path(__file__).resolve().parents[2] / "shared" / "data" / "ecb-plus"
_FILE = re.compile(r"^(\d+)_(\d+)(ecbplus|ecb)\.xml$")
_URL = re.compile(r"^\s*(https?\b|www\.)")
_SPACE_BEFORE = re.compile(r" ([,.;:!?%)\]}]|n't\b|'s\b|'re\b|'ve\b|'ll\b|'d\b|'m\b)")
_SPACE_AFTER = re.compile(r"([(\[{$]) ")


@dataclass(frozen=True, slots=True)
class EcbArticle:
    """One ECB+ document: its topic, its event ("ecb" or "ecbplus") and its text."""

    topic: int
    event: str
    id: str
    text: str

    @property
    def label(self) -> str:
        """The event: topic and which of its two events, such as "3ecbplus"."""
        return f"{self.topic}{self.event}"


def read_ecb_xml(source: str | Path) -> str:
    """The text of one ECB+ token file: one line a sentence, punctuation re-attached, and a
    first sentence that is only the source URL dropped."""
    root = ET.parse(source).getroot()
    sentences: dict[int, list[str]] = {}
    for token in root.iter("token"):
        sentences.setdefault(int(token.get("sentence", "0")), []).append(token.text or "")
    lines = []
    for number in sorted(sentences):
        line = " ".join(sentences[number]).replace("``", '"').replace("''", '"')
        if number == 0 and _URL.match(line):
            continue
        lines.append(_SPACE_AFTER.sub(r"\1", _SPACE_BEFORE.sub(r"\1", line)))
    return "\n".join(lines)


def read_ecb(root: Path) -> list[EcbArticle]:
    """Every article under ``root/ECB+/<topic>/``, in file-name order."""
    out = []
    for path in sorted((root / "ECB+").glob("*/*.xml")):
        m = _FILE.match(path.name)
        if m:
            out.append(EcbArticle(int(m.group(1)), m.group(3), path.stem, read_ecb_xml(path)))
    return out
