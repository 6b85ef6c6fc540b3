"""Thai first: every string has a Thai translation, and the compiled catalogue matches the source."""

from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent.parent / "locale" / "th" / "LC_MESSAGES"


def test_every_message_has_a_thai_translation():
    po = polib.pofile(str(LOCALE / "django.po"))
    untranslated = [e.msgid for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
    assert untranslated == []


def test_compiled_catalogue_is_up_to_date():
    po = {e.msgid: e.msgstr for e in polib.pofile(str(LOCALE / "django.po")) if e.translated()}
    mo = {e.msgid: e.msgstr for e in polib.mofile(str(LOCALE / "django.mo")) if e.msgid}
    assert mo == po, "run `make messages` to recompile locale/th/LC_MESSAGES/django.mo"
