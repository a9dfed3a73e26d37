from ninja import Router, Schema

router = Router(tags=["认证"])


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    role: str
    role_label: str
    region_id: int | None
    department_id: int | None
    chain_ids: list[int]
    enterprise_ids: list[int]


@router.get("/me", response=MeOut, summary="当前用户")
def me(request):
    user = request.auth
    return {
        "id": user.pk, "username": user.username, "display_name": user.display_name, "role": user.role,
        "role_label": user.get_role_display(), "region_id": user.region_id, "department_id": user.department_id,
        "chain_ids": sorted(user.scope.chains), "enterprise_ids": sorted(user.scope.enterprises),
    }
