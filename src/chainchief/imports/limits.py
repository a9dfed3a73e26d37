"""How much a file may make the server do, per role and kind of import.

Three limits: the file's size as uploaded (``size_mb``), its size once unpacked (``expanded_mb``: an .xlsx is a zip
of XML; a CSV or .xls is its own size) and the cells of its sheets (``cells``: the grid from A1 to the last row
and column used, which is what a reader allocates — two cells far apart count as the whole grid between them).
The size is checked while the file is received, the unpacked size from the zip's directory before it is stored,
both again (and the cells) by reading the file's parts before any of its rows is.

``settings.IMPORT_LIMITS`` overrides the defaults below, by role and then by kind, ``"*"`` standing for any:
``{"enterprise": {"*": {"expanded_mb": 5}}, "*": {"monthly_stats": {"cells": 80_000_000}}}``. For each limit the
most specific entry wins: (role, kind), (role, any kind), (any role, kind), (any role, any kind).
``settings.IMPORT_ROLE_KINDS`` names the kinds a role may import at all, whatever its permissions on the models
(default: an enterprise user imports its own monthly figures, nothing else). ``IMPORT_MAX_BYTES`` stays the
ceiling of every upload.
"""
from dataclasses import dataclass

from django.conf import settings

MB = 1024 * 1024

DEFAULTS = {
    "*": {
        # an office's imports: a city's (or a province's) year of monthly figures in one file
        "*": {"size_mb": 200, "expanded_mb": 1024, "cells": 20_000_000},
        "monthly_stats": {"cells": 60_000_000},
    },
    # an enterprise user's own figures: a few rows; a sheet of several years is far below these
    "enterprise": {"*": {"size_mb": 2, "expanded_mb": 10, "cells": 50_000}},
}
ROLE_KINDS = {"enterprise": ("monthly_stats",)}


@dataclass(frozen=True)
class Limits:
    size: int  # bytes as uploaded
    expanded: int  # bytes once unpacked
    cells: int
    who: str  # whose limits, for the messages: "企业用户导入“月度统计”"

    def __str__(self):
        return self.who


def _role(user):
    return getattr(user, "role", "") or ""


def _role_label(role):
    from chainchief.accounts.roles import Role

    try:
        return str(Role(role).label)
    except ValueError:
        return ""


def _table():
    table = {role: {kind: dict(values) for kind, values in kinds.items()} for role, kinds in DEFAULTS.items()}
    for role, kinds in (getattr(settings, "IMPORT_LIMITS", None) or {}).items():
        for kind, values in kinds.items():
            table.setdefault(role, {}).setdefault(kind, {}).update(values)
    return table


def for_user(user, kind):
    """The Limits of ``user`` importing ``kind`` (an import kind)."""
    table, role = _table(), _role(user)

    def value(name):
        for r, k in ((role, kind.key), (role, "*"), ("*", kind.key), ("*", "*")):
            found = table.get(r, {}).get(k, {}).get(name)
            if found is not None:
                return found
        raise KeyError(name)

    ceiling = int(getattr(settings, "IMPORT_MAX_BYTES", 200 * MB))
    label = _role_label(role)
    return Limits(size=min(int(value("size_mb") * MB), ceiling), expanded=int(value("expanded_mb") * MB),
                  cells=int(value("cells")), who=f"{label}导入“{kind.label}”")


def kind_allowed(user, kind):
    """Whether the user's role may use this kind of import at all (its permissions decide the rest)."""
    kinds = {**ROLE_KINDS, **(getattr(settings, "IMPORT_ROLE_KINDS", None) or {})}.get(_role(user))
    return kinds is None or kind.key in kinds


def megabytes(n):
    """“0.05 MB”, “10 MB”, “420.3 MB”: a size as the messages write it."""
    value = n / MB
    return f"{value:.0f} MB" if value >= 10 or value == int(value) else f"{value:.3g} MB"
