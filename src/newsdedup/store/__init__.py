"""The living index: a SQLite store of articles, copy groups and stories (docs/index.md)."""
