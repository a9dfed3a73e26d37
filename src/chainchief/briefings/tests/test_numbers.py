"""The register of document numbers (文号) and the 成文日期: a number is given once per issuer and year (the next one
is suggested; one taken — by a withdrawn or deleted document too — is refused with the name of its holder; two
issues at once get two numbers), a corrected issue is a new number that says which one it replaces, and the number's
year is the 成文日期's, which the author chooses."""
import io

import pytest
from django.db import IntegrityError, transaction
from docx import Document

from chainchief.testing import as_user  # noqa: F401

from chainchief.briefings.tests.test_briefings import PERIOD, briefing_dir  # noqa: F401 (autouse fixture)


def _make(client, **body):
    r = client.post("/api/v1/briefings", {"period": PERIOD, "queue": False, **body})
    assert r.status_code == 201, r.content
    return r.json()


def _text(client, item):
    r = client.get(item["docx_url"])
    doc = Document(io.BytesIO(b"".join(r.streaming_content)))
    return "\n".join(p.text for p in doc.paragraphs)


def test_a_number_is_given_once_and_the_next_is_suggested(as_user):
    coordinator = as_user("coordinator")
    suggested = coordinator.get(f"/api/v1/briefings/numbers/next?period={PERIOD}").json()
    a = _make(coordinator)
    assert a["doc_number"] == suggested["doc_number"] and a["signed_on"] == suggested["signed_on"]

    r = coordinator.post("/api/v1/briefings", {"period": PERIOD, "queue": False, "doc_number": a["doc_number"]})
    assert r.status_code == 400, r.content
    message = r.json()["errors"]["doc_number"][0]
    assert a["doc_number"] in message and a["title"] in message  # names the document that holds it
    nxt = f"潍链办〔2021〕{a['number'] + 1}号"
    assert f"下一个可用文号为 {nxt}" in message
    assert coordinator.post("/api/v1/briefings", {"period": PERIOD, "queue": False,
                                                  "number": a["number"]}).status_code == 400

    b = _make(coordinator)
    assert b["doc_number"] == nxt
    titles = [x["doc_number"] for x in coordinator.get("/api/v1/briefings?kind=monthly&limit=100").json()["items"]]
    assert len(titles) == len(set(titles))  # the list never shows one number twice

    register = coordinator.get("/api/v1/briefings/numbers?year=2021&limit=100").json()["items"]
    held = {e["doc_number"]: e["briefing_id"] for e in register}
    assert held[a["doc_number"]] == a["id"] and held[b["doc_number"]] == b["id"]


def test_a_withdrawn_or_deleted_document_keeps_its_number(as_user):
    coordinator = as_user("coordinator")
    a = _make(coordinator)
    r = coordinator.post(f"/api/v1/briefings/{a['id']}/withdraw", {"reason": "数据有误，待核实"})
    assert r.status_code == 200, r.content
    withdrawn = r.json()
    assert withdrawn["withdrawn_at"] and withdrawn["withdrawn_reason"] == "数据有误，待核实"
    assert withdrawn["doc_number"] == a["doc_number"]
    assert coordinator.post(f"/api/v1/briefings/{a['id']}/withdraw", {"reason": "再撤"}).status_code == 409
    r = coordinator.post("/api/v1/briefings", {"period": PERIOD, "queue": False, "doc_number": a["doc_number"]})
    assert r.status_code == 400 and "已撤回" in r.json()["errors"]["doc_number"][0]

    assert coordinator.delete(f"/api/v1/briefings/{a['id']}").status_code == 200
    r = coordinator.post("/api/v1/briefings", {"period": PERIOD, "queue": False, "doc_number": a["doc_number"]})
    assert r.status_code == 400 and "已删除的文件" in r.json()["errors"]["doc_number"][0]
    assert _make(coordinator)["number"] > a["number"]


def test_a_correction_is_a_new_number_that_says_which_it_replaces(as_user):
    coordinator = as_user("coordinator")
    a = _make(coordinator)
    b = _make(coordinator, replaces=a["id"], title=a["title"])
    assert b["replaces_id"] == a["id"] and b["doc_number"] != a["doc_number"]
    assert f"替代{a['doc_number']}" in _text(coordinator, b)
    assert coordinator.get(f"/api/v1/briefings/{a['id']}").json()["replaced_by"] == [b["id"]]


def test_the_database_refuses_a_number_twice(demo_db):
    from chainchief.briefings.models import DocumentNumber

    entry = DocumentNumber.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        DocumentNumber.objects.create(region=entry.region, issuer=entry.issuer, year=entry.year,
                                      serial=entry.serial, title="另一份文件")


def test_two_issues_at_once_get_two_numbers(as_user, monkeypatch):
    """The number suggested to the second issue is taken by the first before the second writes it (the race of
    two issues at once): the register gives the second the next one instead of failing or giving it twice."""
    from chainchief.briefings import services

    coordinator = as_user("coordinator")
    a = _make(coordinator)
    real = services.next_serial
    calls = []

    def stale(region, issuer, year):
        calls.append(year)
        return a["number"] if len(calls) == 1 else real(region, issuer, year)  # read before the first was written

    monkeypatch.setattr(services, "next_serial", stale)
    b = _make(coordinator)
    assert b["number"] == a["number"] + 1 and len(calls) >= 2


def test_the_number_follows_the_date_the_author_signs(as_user):
    coordinator = as_user("coordinator")
    item = _make(coordinator, signed_on="2022-01-05")
    assert item["signed_on"] == "2022-01-05" and item["doc_number"].startswith("潍链办〔2022〕")
    text = _text(coordinator, item)
    assert "潍坊市链长制工作专班办公室　2022年1月5日" in text and "2022年第" in text
    # The data's period and the day it was read are stated apart from the 成文日期.
    assert "本通报数据期间为2021年1-6月（累计），取自本平台截至" in text

    r = coordinator.post("/api/v1/briefings", {"period": PERIOD, "queue": False, "signed_on": "2021-06-20"})
    assert r.status_code == 400 and "成文日期应晚于" in r.json()["errors"]["signed_on"][0]
    r = coordinator.post("/api/v1/briefings", {"period": PERIOD, "queue": False, "signed_on": "2022-01-05",
                                               "doc_number": "潍链办〔2021〕88号"})
    assert r.status_code == 400 and "须与成文日期的年份" in r.json()["errors"]["doc_number"][0]
    r = coordinator.post("/api/v1/briefings", {"period": PERIOD, "queue": False, "doc_number": "第九号"})
    assert r.status_code == 400 and "文号格式" in r.json()["errors"]["doc_number"][0]


def test_a_one_pager_states_its_period_and_the_day_its_data_were_read(as_user):
    from django.utils import timezone

    chief = as_user("chief")
    power = chief.get("/api/v1/chains?q=动力装备").json()["items"][0]
    item = _make(chief, kind="chain", chain=power["id"])
    today = timezone.localdate()
    assert (f"数据期间：2021年1-6月（累计）　取数日期：{today.year}年{today.month}月{today.day}日"
            in _text(chief, item))
    assert item["doc_number"] == "" and item["signed_on"] is None  # a one-pager is not a numbered document


def test_who_reads_and_writes_the_register(as_user):
    coordinator = as_user("coordinator")
    _make(coordinator)
    assert as_user(None).get("/api/v1/briefings/numbers").status_code == 401
    assert coordinator.get("/api/v1/briefings/numbers").json()["count"] >= 1
    assert as_user("leader").get("/api/v1/briefings/numbers").json()["count"] >= 1  # reads the register
    for name in ("chief", "dept", "commissioner", "enterprise", "qingdao"):
        client = as_user(name)
        assert client.get("/api/v1/briefings/numbers").json()["count"] == 0, name
        r = client.get(f"/api/v1/briefings/numbers/next?period={PERIOD}")
        if name == "qingdao":  # another city's office numbers its own documents
            assert r.status_code == 200 and r.json()["doc_number"] == "青链办〔2021〕1号", r.content
        else:
            assert r.status_code == 403, name
    assert as_user("leader").get(f"/api/v1/briefings/numbers/next?period={PERIOD}").status_code == 403
    monthly = coordinator.get("/api/v1/briefings?kind=monthly&limit=1").json()["items"][0]
    assert as_user("leader").post(f"/api/v1/briefings/{monthly['id']}/withdraw",
                                  {"reason": "x"}).status_code == 403
