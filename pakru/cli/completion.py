"""Shell completion that inserts each value as the one word it is, in every shell Typer supports.

Typer prints bash's candidates as they are, and bash inserts them as they are: `steel mill`
became two words on the command line. zsh and fish quote what they insert themselves.
"""

from __future__ import annotations

import re

from typer._click.shell_completion import CompletionItem, add_completion_class
from typer._completion_classes import BashComplete, completion_init

# What bash reads as part of a word, outside quotes, on any system: letters, digits and a few
# marks. Everything else (spaces, quotes, `$`, `*`, `(`, `;`, `~`, `:`, `=`...) is escaped.
_PLAIN = re.compile(r"[\w@%+,./-]")


def bash_word(value: str) -> str:
    """`value` written so that bash reads it back as one word, itself: a backslash before each
    character the shell would take for syntax or a word break (`steel mill` → `steel\\ mill`).
    Backslashes rather than quotes around the whole: values that share a beginning still share
    it once escaped, so bash can insert the part they have in common."""
    return "".join(char if _PLAIN.fullmatch(char) else f"\\{char}" for char in value)


class QuotingBashComplete(BashComplete):
    def format_completion(self, item: CompletionItem) -> str:
        return bash_word(str(item.value))


def use_quoting_completion() -> None:
    """Complete for bash with values quoted (Typer's classes for the other shells stay)."""
    completion_init()
    add_completion_class(QuotingBashComplete, "bash")
