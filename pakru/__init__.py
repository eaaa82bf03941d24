"""pakru: cite-ready answers about Pakistan–Russia relations.

The modules form four layers. A module imports from its own layer and the ones below it, never
from one above, and no chain of imports comes back to where it started (lazy imports inside
functions count too; tests/test_layers.py checks both against this list):

- cli: __main__ cli options render cells output completion about cite browse
- answers: query coverage
- store: store export compiled build schema load models layout
- domain: consistency search filters names records types errors

`cli` turns arguments into questions and answers into text; `answers` asks the store; `store`
reads the YAML files into validated records and keeps them compiled in SQLite; `domain` holds
the records, their vocabularies (all in `pakru.records`) and the arithmetic on them.
"""

__version__ = "0.1.0"
