"""newsdedup: find every copy of a news article, however rewritten, excerpted or re-published."""

from newsdedup.api import find_copies, find_stories
from newsdedup.config import Config
from newsdedup.errors import ConfigError, InputError, MissingExtraError, NewsdedupError, StoreError
from newsdedup.report import Report
from newsdedup.types import (
    Article,
    Group,
    Kind,
    Member,
    Origin,
    Rejected,
    Result,
    Scores,
    Story,
    StoryResult,
)

__version__ = "0.1.0"

__all__ = [
    "Article",
    "Config",
    "ConfigError",
    "Group",
    "InputError",
    "Kind",
    "Member",
    "MissingExtraError",
    "NewsdedupError",
    "Origin",
    "Rejected",
    "Report",
    "Result",
    "Scores",
    "StoreError",
    "Story",
    "StoryResult",
    "__version__",
    "find_copies",
    "find_stories",
]
