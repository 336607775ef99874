"""The exercises in Japanese: their texts and the checks' messages, for the Japanese notebooks.

One module per English one: ``helpers.exercises.ja.ex01`` translates
``helpers.exercises.ex01``, ``helpers.exercises.ja.records`` the messages of
``helpers.exercises.records``. Each module has

- ``MESSAGES``: the English message templates its English module passes to ``say()``, each
  with its Japanese translation (the same ``{fields}``);
- ``EXERCISES`` (exercise modules): each exercise's ``Texts`` by its number;
- ``NOTE`` (optional): the Japanese of the English module's ``NOTE``.

The terms follow the course's glossary, ``docs/ja/glossary.md``. Importing this package
has no side effects; the catalogs load on first use.
"""

from __future__ import annotations

import functools
import importlib
from types import ModuleType

from helpers.exercises.language import Texts

__all__ = ["MODULES", "messages", "module", "texts"]

#: The catalogs: one per English module that has messages.
MODULES = ("common", "records", "ex00", "ex01", "ex02", "ex03", "ex04", "ex05", "ex06", "ex07",
           "ex08")  # fmt: skip


def module(name: str) -> ModuleType:
    """Return one catalog module.

    Args:
        name: E.g. ``"ex01"`` or ``"records"``.

    Returns:
        ``helpers.exercises.ja.<name>``.
    """
    return importlib.import_module(f"helpers.exercises.ja.{name}")


@functools.cache
def messages() -> dict[str, str]:
    """Return every message template's Japanese, from all the catalogs.

    Returns:
        English template -> Japanese template.
    """
    merged: dict[str, str] = {}
    for name in MODULES:
        merged.update(module(name).MESSAGES)
    return merged


def texts(notebook: str, number: int) -> Texts:
    """Return what an exercise says in Japanese.

    Args:
        notebook: The notebook's number, e.g. ``"01"``.
        number: The exercise's number in it, from 1.

    Returns:
        Its ``Texts``.
    """
    return module(f"ex{notebook}").EXERCISES[number]
