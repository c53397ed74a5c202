"""Built-in stopword lists: shingles are formed from the words that remain.

Dropping function words makes shingles robust to rewording ("the summit, at which" vs "the
summit, in which") and keeps the Jaccard of unrelated texts low, since their shared n-grams are
mostly function-word phrases ("one of the", "according to the").
"""

from __future__ import annotations

__all__ = ["stopwords"]

_EN = """
a about above after again against all also am an and any are aren as at be because been before
being below between both but by can cannot could couldn d did didn do does doesn doing don down
during each few for from further had hadn has hasn have haven having he her here hers herself him
himself his how i if in into is isn it its itself just ll m me might more most must mustn my
myself no nor not now o of off on once only or other our ours ourselves out over own re s said
same says shan she should shouldn so some such t than that the their theirs them themselves then
there these they this those through to too under until up upon us ve very was wasn we were weren
what when where which while who whom why will with won would wouldn y you your yours yourself
yourselves also however although though since whether either neither yet still even much many
one two
"""

_MULTI = """
le la les un une des du de et est en que qui dans pour pas sur au aux avec ce ces il elle ils
elles on ne se sa son ses leur leurs par plus mais ou où été être avoir a été comme
der die das den dem des ein eine einer eines und ist zu im mit von auf für nicht sich es auch
als an dass bei aus wie oder nach wird sind war hat
el los las unos unas y es en que del al con por para una su sus se lo como más pero fue
il lo gli i di da per con su tra fra che non è sono
o os as um uma do da dos das em no na nos nas por para com não que se é
het een en van de in is dat op te voor met zijn niet aan er ook als bij
och att det som är på en ett för med av till den har inte om var
"""

_LISTS = {"en": _EN.split(), "multi": _EN.split() + _MULTI.split(), "none": []}


def stopwords(name: str) -> tuple[str, ...]:
    """The stopword list called ``name`` ("en", "multi" or "none"), lower-cased and sorted."""
    return tuple(sorted(set(_LISTS[name])))
