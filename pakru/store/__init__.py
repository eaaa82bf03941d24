"""The fact store: YAML files found (`layout`), validated (`models`, `load`), compiled into SQLite
(`schema`, `build`), opened and read (`compiled`), checked or loaded whole (`check`), copied
out for other tools (`export`), and drafts for it written out for review (`drafts`). Imports
only `pakru.domain`.
"""
