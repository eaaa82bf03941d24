"""pakru: cite-ready answers about Pakistan–Russia relations.

The code is in four packages, one per layer. A module imports from its own package and the
ones below it, never from one above, and no chain of imports comes back to where it started
(lazy imports inside functions count too; tests/test_layers.py checks both against this list):

- cli: the command line (`pakru.cli`, and `pakru.__main__`, the process)
- answers: the questions, asked of the compiled store (`pakru.answers`)
- store: files to validated records to the compiled SQLite store (`pakru.store`)
- domain: periods, amounts, the records and their vocabulary (`pakru.domain`)

Each package's docstring says what its modules hold.
"""

__version__ = "0.1.0"
