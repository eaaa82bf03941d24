"""The questions pakru answers, asked of the compiled store: lookups with suggestions, listings
by filter (`query`), one record by its id with what surrounds it (`lookup`), what the store
covers by year (`coverage`) and full-text search (`searching`). Imports the store and the domain,
never the command line.
"""
