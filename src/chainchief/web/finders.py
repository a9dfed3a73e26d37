"""The front-end packages' files the pages use, found in node_modules (npm) without the rest of each package.

The packages' dist folders hold about 60 MB (every echarts build, bootstrap's unminified and RTL variants);
collectstatic would hash and compress all of them on every run. Only the files listed here are served.
"""
import os

from django.conf import settings
from django.contrib.staticfiles import utils
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import Error
from django.core.files.storage import FileSystemStorage

# prefix under /static/ → (folder under node_modules, the files the templates use and what they reference)
VENDOR = {
    "vendor/bootstrap": ("bootstrap/dist", [
        "css/bootstrap.min.css", "css/bootstrap.min.css.map",
        "js/bootstrap.bundle.min.js", "js/bootstrap.bundle.min.js.map",
    ]),
    "vendor/echarts": ("echarts/dist", ["echarts.min.js"]),
}


class VendorFinder(BaseFinder):
    def __init__(self, *args, **kwargs):
        self.storages = {}
        for prefix, (folder, files) in VENDOR.items():
            storage = FileSystemStorage(location=os.path.join(settings.NODE_MODULES, folder))
            storage.prefix = prefix
            self.storages[prefix] = (storage, files)

    def check(self, **kwargs):
        missing = [f"{prefix}/{name}" for prefix, (storage, files) in self.storages.items()
                   for name in files if not storage.exists(name)]
        if missing:
            return [Error(f"Front-end files missing from node_modules: {', '.join(missing)}",
                          hint="Run npm ci (make deps).", id="web.E001")]
        return []

    def find(self, path, find_all=False, **kwargs):
        found = []
        for prefix, (storage, files) in self.storages.items():
            if path.startswith(prefix + "/") and path[len(prefix) + 1:] in files:
                name = storage.path(path[len(prefix) + 1:])
                if os.path.exists(name):
                    if not find_all:
                        return name
                    found.append(name)
        return found if find_all else None

    def list(self, ignore_patterns):
        for storage, files in self.storages.values():
            for name in files:
                if storage.exists(name) and not utils.matches_patterns(name, ignore_patterns or []):
                    yield name, storage
