"""Stories and topics: every article about one event, and the subjects above them
(docs/stories.md).

One package, one path through it, each module a step of the data flow:

- ``vectors``: what a voice says about its event (text, names, lead; corpus-free weights) and
  the terms that label it;
- ``graph``: which voices are alike (the key-term candidates, the pair similarity, the edges)
  and the clustering of those edges into stories and topics;
- ``linkage``: average-link clustering over a sparse graph (the global step);
- ``records``: the `Story` and `Topic` records with their ids, labels and headlines;
- ``find``: the publication order every executor shares and the graph over the voices
  (``story_graph_result``); ``newsdedup.find_stories`` (api.py) runs it from raw articles.

The living index (``store/story_graph.py``, ``store/story_state.py``) and Spark
(``spark/stories.py``) run these same functions; they keep no rule of their own.
"""

from newsdedup.group.stories.find import (
    SupportsEmbed,
    date_of,
    publication_order,
    story_graph_result,
)

__all__ = ["SupportsEmbed", "date_of", "publication_order", "story_graph_result"]
