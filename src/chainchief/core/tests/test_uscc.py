"""统一社会信用代码: normalisation, validation and the API's answers to bad codes.

Check characters are computed in ``chainchief.testing`` from the published GB 32100-2015 weights and
alphabet, not by python-stdnum.
"""
import pytest
from django.core.exceptions import ValidationError

from chainchief.core import uscc
from chainchief.testing import as_user, make_uscc, uscc_check_char, wrong_check_char  # noqa: F401

# Codes published on business licences and in public registers (real format, real check characters).
PUBLISHED = [
    "91110000600037341L",  # the GB 32100 example used by python-stdnum's documentation
    "914403001922038216",  # 华为技术有限公司
    "9144030071526726XG",  # 深圳市腾讯计算机系统有限公司
    "91330100716105852F",  # 阿里巴巴（中国）有限公司
]


def test_independent_check_character_agrees_with_published_codes():
    for code in PUBLISHED:
        assert uscc_check_char(code[:17]) == code[17], code


def test_check_character_by_hand():
    # 9 1 3 7 0 7 0 0 M(21) A(10) 3 C(12) 5 L(20) R(25) 9 0, weighted: 9+3+27+189+0+182+0+0+420+290+75+156
    # +40+480+250+270+0 = 2391; 2391 % 31 = 4; (31 - 4) % 31 = 27 → alphabet[27] = "U".
    body = "91370700MA3C5LR90"
    values = [int(c) if c.isdigit() else "ABCDEFGHJKLMNPQRTUWXY".index(c) + 10 for c in body]
    weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    assert sum(v * w for v, w in zip(values, weights)) == 2391
    assert uscc_check_char(body) == "U"
    assert uscc.validate(body + "U") == body + "U"
    # A check value of 0 stays 0 (not 31): (31 - 0) % 31.
    zero = next(b for b in (f"9137070{n:010d}" for n in range(200)) if uscc_check_char(b) == "0")
    assert uscc.validate(zero + "0") == zero + "0"


@pytest.mark.parametrize("code", PUBLISHED)
def test_published_codes_are_valid(code):
    assert uscc.validate(code) == code


def test_with_check_digit_matches_the_standard():
    for body in ("91370700MA3C5LR90", "12370700004366289", "91370781MA3Q0AB1C"):
        assert uscc.with_check_digit(body) == body + uscc_check_char(body)


FULL_WIDTH = str.maketrans("0123456789ABCDEFGHJKLMNPQRTUWXY", "０１２３４５６７８９ＡＢＣＤＥＦＧＨＪＫＬＭＮＰＱＲＴＵＷＸＹ")


@pytest.mark.parametrize("typed", [
    "9144030071526726XG".translate(FULL_WIDTH),  # ９１４４…
    "9144030071526726xg",
    "91 4403 0071 5267 26XG",
    "914403-007152-6726-XG",
    "  9144030071526726XG\t",
    "９１４４０３００７１５２６７２６ｘｇ",  # full-width lower case
    "9144　0300　7152　6726　XG",  # ideographic spaces
    "9144030071526726－XG",  # full-width hyphen
])
def test_normalisation(typed):
    assert uscc.normalise(typed) == "9144030071526726XG"
    assert uscc.validate(typed) == "9144030071526726XG"


def _message(code):
    with pytest.raises(ValidationError) as exc:
        uscc.validate(code)
    return exc.value.messages[0]


def test_wrong_check_character_names_the_right_one():
    code = make_uscc("91370700MA3C5LR90")  # …U
    bad = code[:-1] + "X"
    message = _message(bad)
    assert "校验位" in message and "应为 U" in message and "X" in message


@pytest.mark.parametrize("code,length", [("9137070", 7), ("91370700MA3C5LR90", 17), ("91370700MA3C5LR90UU", 19)])
def test_wrong_length(code, length):
    message = _message(code)
    assert "18 位" in message and str(length) in message


@pytest.mark.parametrize("letter", ["I", "O", "Z", "S", "V"])
def test_letters_outside_the_alphabet(letter):
    body = "91370700MA3C5LR9" + letter
    message = _message(body + "0")
    assert "格式" in message and "I、O、Z、S、V" in message


def test_letters_in_the_first_eight_places():
    assert "格式" in _message("9A370700MA3C5LR90U")


@pytest.mark.parametrize("value", ["", "   ", None])
def test_empty(value):
    assert "不能为空" in _message(value)


def test_punctuation_is_not_silently_dropped():
    assert uscc.normalise("9144030071526726.XG") != "9144030071526726XG"
    with pytest.raises(ValidationError):
        uscc.validate("9144030071526726.XG")


# --- through the API --------------------------------------------------------------------------------------------


@pytest.fixture
def coordinator(as_user):
    return as_user("coordinator")


def test_api_stores_the_canonical_form(coordinator):
    from chainchief.enterprises.models import Enterprise

    typed = "91 3707 00ma3c5lr90u".translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    r = coordinator.post("/api/v1/enterprises", {"uscc": typed, "name": "全角代码企业"})
    assert r.status_code == 201, r.content
    assert r.json()["uscc"] == "91370700MA3C5LR90U"
    assert Enterprise.objects.get(name="全角代码企业").uscc == "91370700MA3C5LR90U"
    # Lookups normalise too.
    r = coordinator.get("/api/v1/enterprises?uscc=91370700ma3c5lr90u")
    assert [e["name"] for e in r.json()["items"]] == ["全角代码企业"]
    r = coordinator.get("/api/v1/enterprises/by-uscc/91370700-MA3C5LR90U")
    assert r.status_code == 200 and r.json()["name"] == "全角代码企业"


def test_api_wrong_check_character_is_400_naming_the_right_one(coordinator):
    from chainchief.enterprises.models import Enterprise

    bad = "91370700MA3C5LR90X"
    r = coordinator.post("/api/v1/enterprises", {"uscc": bad, "name": "校验位错误企业"})
    assert r.status_code == 400
    body = r.json()
    assert set(body["errors"]) == {"uscc"}
    assert "应为 U" in body["errors"]["uscc"][0] and "校验位" in body["detail"]
    assert not Enterprise.objects.filter(name="校验位错误企业").exists()


@pytest.mark.parametrize("code,needle", [("9137070", "18 位"), ("91370700MA3C5LR9IU", "格式"),
                                         ("91370700MA3C5LR9OU", "格式"), ("", "不能为空")])
def test_api_bad_codes(coordinator, code, needle):
    r = coordinator.post("/api/v1/enterprises", {"uscc": code, "name": "坏代码企业"})
    assert r.status_code == 400, r.content
    assert needle in r.json()["errors"]["uscc"][0]


def test_api_duplicate_code_is_refused_with_a_clear_message(coordinator):
    from chainchief.enterprises.models import Enterprise

    existing = Enterprise.objects.order_by("pk").first()
    before = Enterprise.objects.count()
    typed = existing.uscc.lower()[:6] + " " + existing.uscc.lower()[6:]  # same code, typed differently
    r = coordinator.post("/api/v1/enterprises", {"uscc": typed, "name": "重复代码企业"})
    assert r.status_code in (400, 409), r.content
    body = r.json()
    assert "uscc" in body.get("errors", {}) or "统一社会信用代码" in body["detail"]
    assert "统一社会信用代码" in body["detail"] and "已" in body["detail"]
    assert Enterprise.objects.count() == before


def test_api_changing_a_code_to_another_enterprises_is_refused(coordinator):
    from chainchief.enterprises.models import Enterprise

    a, b = Enterprise.objects.order_by("pk")[:2]
    r = coordinator.patch(f"/api/v1/enterprises/{b.pk}", {"uscc": a.uscc, "version": b.version})
    assert r.status_code in (400, 409)
    assert Enterprise.objects.get(pk=b.pk).uscc == b.uscc


def test_api_patch_with_the_same_code_typed_differently_changes_nothing(coordinator):
    from chainchief.audit.models import AuditEvent
    from chainchief.enterprises.models import Enterprise

    e = Enterprise.objects.order_by("pk").first()
    events = AuditEvent.objects.count()
    r = coordinator.patch(f"/api/v1/enterprises/{e.pk}", {"uscc": e.uscc.lower(), "version": e.version})
    assert r.status_code == 200
    assert r.json()["version"] == e.version
    assert Enterprise.objects.get(pk=e.pk).uscc == e.uscc
    assert AuditEvent.objects.count() == events


def test_search_by_code_prefix(coordinator):
    from chainchief.enterprises.models import Enterprise

    e = Enterprise.objects.order_by("pk").first()
    r = coordinator.get(f"/api/v1/enterprises?q={e.uscc[:14].lower()}&limit=1000")
    assert e.pk in {row["id"] for row in r.json()["items"]}
    assert all(row["uscc"].startswith(e.uscc[:14]) or e.uscc[:14] in row["name"] for row in r.json()["items"])


def test_wrong_check_character_on_a_real_code(coordinator):
    bad = wrong_check_char(PUBLISHED[1])
    r = coordinator.post("/api/v1/enterprises", {"uscc": bad, "name": "错误"})
    assert r.status_code == 400 and f"应为 {PUBLISHED[1][-1]}" in r.json()["errors"]["uscc"][0]


def test_letter_authority_codes_are_accepted():
    # GB 32100-2015 allows a letter as the registering authority (N: agriculture, Y: others). The check
    # character is computed here with the standard's weights, not by the code under test.
    weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = "N2370702MA3C00000"
    check = alphabet[(31 - sum(alphabet.index(c) * w for c, w in zip(body, weights)) % 31) % 31]
    assert uscc.validate(body.lower() + check.lower()) == body + check
    assert "校验位" in _message(body + alphabet[(alphabet.index(check) + 1) % 31])
