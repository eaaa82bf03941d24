"""pakru: cite-ready answers about Pakistan–Russia relations."""

__version__ = "0.1.0"
