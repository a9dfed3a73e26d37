"""Optimistic locking without a way around it: a PATCH must say which version it changes (``version`` in the body
or an ``If-Match`` header), else 428 — it would silently overwrite a change made meanwhile. Every object the
API lets a client change shows its version, so the client always has one to send."""
from chainchief.core.api_crud import LIST_PATHS


def _first(client, path):
    r = client.get(f"/api/v1{path}?limit=1")
    items = r.json().get("items") if r.status_code == 200 else None
    return items[0] if items else None


def test_every_patch_without_a_version_is_428(api):
    client = api("coordinator")
    refused, failures = 0, []
    for model, path in sorted(LIST_PATHS.items(), key=lambda item: item[1]):
        row = _first(client, path)
        if row is None or "id" not in row:
            continue
        r = client.patch(f"/api/v1{path}/{row['id']}", {})
        if r.status_code in (403, 404):  # the office may not change it: that is said first
            continue
        if r.status_code != 428 or "version" not in r.json()["detail"]:
            failures.append(f"PATCH {path}/{row['id']} without a version: {r.status_code}")
            continue
        refused += 1
        detail = client.get(f"/api/v1{path}/{row['id']}").json()
        if "version" not in detail:
            failures.append(f"{path}/{row['id']}: the answer shows no version to send")
            continue
        r = client.patch(f"/api/v1{path}/{row['id']}", {"version": detail["version"]})
        if r.status_code != 200:
            failures.append(f"PATCH {path}/{row['id']} with its version: {r.status_code} {r.content[:200]!r}")
    assert failures == [], "\n".join(failures)
    assert refused > 30


def test_a_version_in_if_match_is_enough_and_a_stale_one_is_409(api):
    from chainchief.chains.models import Chain

    client = api("coordinator")
    power = Chain.objects.get(name="动力装备")
    r = client.patch(f"/api/v1/chains/{power.pk}", {"description": "无版本"})
    assert r.status_code == 428
    power.refresh_from_db()
    assert power.description != "无版本"
    r = client.patch(f"/api/v1/chains/{power.pk}", {"description": "带版本"}, headers={"If-Match": f'"{power.version}"'})
    assert r.status_code == 200 and r.json()["version"] == power.version + 1
    r = client.patch(f"/api/v1/chains/{power.pk}", {"description": "过时", "version": power.version})
    assert r.status_code == 409


def test_a_user_who_may_not_change_the_row_hears_403_not_428(api):
    from chainchief.chains.models import Chain

    power = Chain.objects.get(name="动力装备")
    assert api("leader").patch(f"/api/v1/chains/{power.pk}", {"description": "x"}).status_code == 403


def test_a_tier_does_not_move_to_another_region(api):
    """Its chains stay in their region: a tier in another region would break every later edit of them."""
    from chainchief.chains.models import Chain, ChainTier
    from chainchief.core.models import Region

    client = api("admin")
    tier = ChainTier.objects.filter(chains__region__name="潍坊市").distinct().first()
    other = Region.objects.get(name="青岛市")
    r = client.patch(f"/api/v1/tiers/{tier.pk}", {"region_id": other.pk, "version": tier.version})
    assert r.status_code == 400, r.content
    assert "region" in r.json()["errors"] and "产业链" in r.json()["detail"]
    tier.refresh_from_db()
    assert tier.region_id != other.pk
    chain = Chain.objects.filter(tier=tier).first()
    r = client.patch(f"/api/v1/chains/{chain.pk}", {"description": "仍可修改", "version": chain.version})
    assert r.status_code == 200
    # A tier without chains may move.
    empty = ChainTier.objects.create(region=tier.region, name="待调整层级", order=99, target_scale=100,
                                     target_year=2025)
    r = client.patch(f"/api/v1/tiers/{empty.pk}", {"region_id": other.pk, "version": empty.version})
    assert r.status_code == 200, r.content
