"""Finding the enterprise a row means: by USCC first, then by normalised name; near names are offered for
confirmation, and confirmations are remembered (NameMatch)."""
import difflib

from django.core.exceptions import ValidationError

from chainchief.core import uscc
from chainchief.imports.fields import normalise_name, text

MAX_FUZZY = 300  # distinct unknown names looked up approximately per file


class EnterpriseIndex:
    """Every enterprise by USCC and by normalised name, loaded on first use: a sheet whose codes are all matched
    in the database (the set-based path does that) never needs it."""

    def __init__(self):
        self._code_cache, self._name_cache, self._fuzzy_calls = {}, {}, 0

    def __getattr__(self, attr):
        if attr in ("by_uscc", "by_name", "names", "info", "remembered"):
            self._load()
            return self.__dict__[attr]
        raise AttributeError(attr)

    def _load(self):
        from chainchief.enterprises.models import Enterprise
        from chainchief.imports.models import NameMatch

        by_uscc, by_name, names, info = {}, {}, {}, {}
        for pk, code, name, short in Enterprise.objects.values_list("pk", "uscc", "name", "short_name"):
            by_uscc[code] = pk
            key = normalise_name(name)
            by_name.setdefault(key, set()).add(pk)
            stripped = key.replace("（样例）", "")
            if stripped != key:
                by_name.setdefault(stripped, set()).add(pk)
            names[key] = pk
            if short:
                names.setdefault(normalise_name(short), pk)
            info[pk] = (name, code)
        self.by_uscc, self.by_name, self.names, self.info = by_uscc, by_name, names, info
        self.remembered = dict(NameMatch.objects.values_list("name", "enterprise_id"))

    def code(self, raw):
        """(canonical USCC, enterprise id or None, error message or None)."""
        hit = self._code_cache.get(raw)
        if hit is None:
            try:
                code = uscc.validate(text(raw))
                hit = (code, self.by_uscc.get(code), None)
            except ValidationError as exc:
                hit = (None, None, exc.messages[0])
            if len(self._code_cache) > 200_000:
                self._code_cache.clear()
            self._code_cache[raw] = hit
        return hit

    def name(self, raw):
        """(enterprise id or None, candidates for confirmation [(id, name, uscc)])."""
        key = normalise_name(raw)
        hit = self._name_cache.get(key)
        if hit is not None:
            return hit
        if key in self.remembered:
            hit = (self.remembered[key], [])
        else:
            ids = self.by_name.get(key)
            if ids and len(ids) == 1:
                hit = (next(iter(ids)), [])
            elif ids:
                hit = (None, [self._brief(pk) for pk in sorted(ids)])
            else:
                hit = (None, self._near(key))
        self._name_cache[key] = hit
        return hit

    def _near(self, key):
        if self._fuzzy_calls >= MAX_FUZZY or not key:
            return []
        self._fuzzy_calls += 1
        found = []
        for other, pk in self.names.items():
            if len(key) >= 4 and (key in other or other in key) and pk not in found:
                found.append(pk)
        for other in difflib.get_close_matches(key, list(self.names), n=5, cutoff=0.75):
            if self.names[other] not in found:
                found.append(self.names[other])
        return [self._brief(pk) for pk in found[:5]]

    def _brief(self, pk):
        name, code = self.info[pk]
        return {"id": pk, "name": name, "uscc": code}

    def add(self, pk, code, name):
        self.by_uscc[code] = pk
        self.by_name.setdefault(normalise_name(name), set()).add(pk)
        self.info[pk] = (name, code)
