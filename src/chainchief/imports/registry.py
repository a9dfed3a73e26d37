"""The kinds of import the platform knows, in the order users see them.

Each kind (a module of ``imports.kinds``) is registered once, in ``ImportsConfig.ready()``; the upload form,
the templates, the API and the batch model's ``kind`` choices all read this list, so a new kind needs no
migration and no edit elsewhere."""
from django.core.exceptions import ImproperlyConfigured, ValidationError

_kinds = {}


def register(kind):
    """Add a kind (an instance of ``imports.kinds.base.Kind``) under its ``key``."""
    if not kind.key:
        raise ImproperlyConfigured(f"{type(kind).__name__} has no key")
    known = _kinds.get(kind.key)
    if known is not None and type(known) is not type(kind):
        raise ImproperlyConfigured(f"import kind {kind.key!r} is taken by {type(known).__name__}")
    _kinds[kind.key] = kind
    return kind


def kinds():
    """{key: kind} in the order of registration."""
    return dict(_kinds)


def get(key):
    if key not in _kinds:
        raise ValidationError({"kind": f"未知的导入类型“{key}”，可选：{'、'.join(_kinds)}。"})
    return _kinds[key]


def choices():
    """The ``kind`` choices of an import batch."""
    return [(key, kind.label) for key, kind in _kinds.items()]
