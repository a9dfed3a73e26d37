"""The default file cache lists its directory on one write in CULL_EVERY, and still culls."""
from chainchief.core import cache as cache_module
from chainchief.core.cache import FileCache


def test_file_cache_lists_its_directory_rarely_and_still_culls(tmp_path, monkeypatch):
    monkeypatch.setattr(cache_module, "CULL_EVERY", 10)
    cache = FileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 20, "CULL_FREQUENCY": 2}})
    listings = []
    original = cache._list_cache_files

    def counting():
        files = original()
        listings.append(len(files))
        return files

    monkeypatch.setattr(cache, "_list_cache_files", counting)
    for i in range(95):
        cache.set(f"key{i}", i)
    assert len(listings) == 9  # sets 10, 20, … 90
    assert listings[:3] == [9, 19, 29]  # files before each listed write; at 29 (≥ 20) half of them go
    assert all(n < 30 for n in listings[3:]) and len(original()) < 30
    assert cache.get("key94") == 94
