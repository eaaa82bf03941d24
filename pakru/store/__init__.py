"""The fact store: YAML files found (`layout`), validated (`models`, `load`), compiled into SQLite
(`schema`, `build`), opened and read (`compiled`), checked or loaded whole (`check`), and copied
out for other tools (`export`). Imports only `pakru.domain`.
"""
