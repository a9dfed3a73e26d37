"""The English switch: the main pages in English carry no Chinese interface labels, and the catalogue is fully
translated with its compiled .mo in step with the .po."""
import re
from pathlib import Path

import polib
import pytest

from chainchief.web.tests.pages import login, text  # noqa: F401

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES"

# Labels that are user data or quoted Chinese column names on a page, not interface text.
ALLOWED = {"/chains/1/": {"产业链图谱", "强链", "缺链"},  # a work item's name, and the titles of its evidence (tasks)
           "/imports/new/": {"亿元"},
           "/work/chains/1/": {"产业链图谱", "强链", "缺链"},  # task titles and plan goals are data
           "/audit/": {"万元"}}  # an input–output table's unit, shown as the value the change log recorded

# Interface labels that must not show in the English chrome (user data such as chain names stays Chinese).
CHINESE_LABELS = ["产业链图谱", "驾驶舱", "导入", "累计", "链长制工作平台", "退出登录", "强链", "缺链", "亿元", "万元",
                  "同比", "保存", "统计期间", "审计日志", "目标与规则", "企业诉求", "办理统计", "按时答复率", "通知"]

PAGES = [
    ("/", ["My desk", "Overdue tasks by department", "Log out"]),
    ("/?all=1", ["Key industrial chains", "Log out"]),
    ("/chains/1/", ["Chain chief"]),  # its work items are data: one is named 一张产业链图谱
    ("/chains/1/leaders/", ["Chiefs and departments", "Add a chief or deputy chief", "Remove"]),
    ("/people/", ["People and departments", "New person", "Serves as"]),
    ("/departments/", ["People and departments", "New department"]),
    ("/maps/1/", ["Chain map", "Export Excel", "Segment details"]),
    ("/maps/", ["City chain map overview", "Rating criteria"]),
    ("/monitoring/", ["Chain performance cockpit", "Targets & rules", "Rank"]),
    ("/monitoring/chains/1/", ["chain monitoring", "Target forecast", "Alerts"]),
    ("/enterprises/", ["Enterprises"]),
    ("/enterprises/1/", ["Monthly figures"]),
    ("/monitoring/enterprises/1/", ["monthly figures", "Enter monthly figures", "Save"]),
    ("/imports/new/", ["Upload import file", "Upload and check"]),
    ("/imports/", ["Import history", "Upload file"]),
    ("/audit/", ["Audit log"]),
    ("/monitoring/settings/", ["Red/yellow/green rules", "Save rules", "Set annual target"]),
    ("/maps/settings/", ["Rating criteria"]),
    ("/requests/", ["Enterprise requests", "Handling statistics", "Saved filters", "File a request"]),
    ("/requests/stats/", ["Request handling statistics", "Department league table", "On-time replies"]),
    ("/requests/deadlines/", ["Request time limits", "Set a time limit"]),
    ("/notifications/", ["Notifications"]),
    ("/work/", ["My work", "Open tasks", "Coming meetings"]),
    ("/work/chains/1/", ["work ledger", "Development plan", "Coordination meetings", "Key projects"]),
    ("/work/calendar/", ["Calendar", "Previous month", "Mon"]),
    ("/work/projects/", ["Key projects", "Behind schedule only"]),
]


def _chrome(body):
    """The page without scripts, styles and JSON data blocks (chart data carries user data such as names)."""
    return re.sub(r"<(script|style)\b.*?</\1>", "", body, flags=re.S)


@pytest.fixture
def english(login):  # noqa: F811
    c = login("coordinator")
    assert c.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302
    return c


@pytest.mark.parametrize("url, expected", PAGES)
def test_main_pages_in_english(english, url, expected):
    r = english.get(url)
    assert r.status_code == 200, url
    body = _chrome(text(r))
    assert 'lang="en"' in body
    for label in expected:
        assert label in body, (url, label)
    shown = [label for label in CHINESE_LABELS if label in body and label not in ALLOWED.get(url, ())]
    assert not shown, (url, shown)


def test_chinese_stays_the_default(login):  # noqa: F811
    body = text(login("coordinator").get("/monitoring/"))
    assert "产业链运行驾驶舱" in body and "目标与规则" in body


def test_catalogue_is_fully_translated():
    po = polib.pofile(str(LOCALE / "django.po"))
    entries = [e for e in po if not e.obsolete]
    assert entries
    assert not po.untranslated_entries(), [e.msgid for e in po.untranslated_entries()][:10]
    assert not po.fuzzy_entries(), [e.msgid for e in po.fuzzy_entries()][:10]
    han = re.compile(r"[\u4e00-\u9fff]")
    # An English text may quote a Chinese column name, never be one.
    assert not [e.msgid for e in entries if e.msgstr and han.fullmatch(e.msgstr[:1] or "")]


def test_mo_is_up_to_date_with_po():
    po = polib.pofile(str(LOCALE / "django.po"))
    mo = polib.mofile(str(LOCALE / "django.mo"))

    def key(e):
        return (e.msgctxt or "", e.msgid, e.msgid_plural or "")

    def value(e):
        return e.msgstr_plural and tuple(e.msgstr_plural[k] for k in sorted(e.msgstr_plural)) or e.msgstr

    compiled = {key(e): value(e) for e in mo if e.msgid}
    wanted = {key(e): value(e) for e in po.translated_entries()}
    assert compiled == wanted, "run: python scripts/compile_messages.py"
