"""The default cache backend: Django's file cache, shared by every process of one machine, without its cost per
write. Django's file cache lists the whole cache directory on every ``set`` to decide whether to cull; with
thousands of entries that listing takes longer than anything else a request does. Here the listing happens on
one ``set`` in ``CULL_EVERY`` (per process), so the directory may exceed ``MAX_ENTRIES`` by at most that many
entries per process before it is culled."""
import itertools

from django.core.cache.backends.filebased import FileBasedCache

CULL_EVERY = 256


class FileCache(FileBasedCache):
    def __init__(self, dir, params):
        super().__init__(dir, params)
        self._sets = itertools.count(1)

    def _cull(self):
        if next(self._sets) % CULL_EVERY == 0:
            super()._cull()
