"""The questions pakru answers, asked of the compiled store: lookups with suggestions, listings
by filter (`query`) and what the store covers by year (`coverage`). Imports the store and the
domain, never the command line.
"""
