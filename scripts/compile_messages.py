"""Compile the gettext catalogues (.po → .mo) without the GNU gettext tools: python scripts/compile_messages.py"""
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent.parent / "src" / "chainchief" / "locale"


def main():
    for po_path in sorted(LOCALE.glob("*/LC_MESSAGES/*.po")):
        catalogue = polib.pofile(str(po_path))
        mo_path = po_path.with_suffix(".mo")
        catalogue.save_as_mofile(str(mo_path))
        print(f"{po_path.relative_to(LOCALE)}: {len(catalogue.translated_entries())} translated → {mo_path.name}")


if __name__ == "__main__":
    main()
