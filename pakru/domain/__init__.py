"""The domain: what pakru knows about, with no knowledge of files, SQLite or terminals.

Periods and amounts (`types`), the records and every vocabulary they use (`records`), the
problems pakru reports (`errors`), the folding of names and words (`names`, `search`), the filters
a question can carry (`filters`), the arithmetic of derived figures and conflicts
(`consistency`), and the reading of an article into draft records (`extract`). Nothing here
imports anything else of pakru.
"""
