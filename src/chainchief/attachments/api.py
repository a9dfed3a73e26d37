from datetime import datetime

from ninja import Router, Schema

from chainchief.attachments import views

router = Router(tags=["附件"])


class AttachmentOut(Schema):
    id: int
    name: str
    size: int
    mime: str
    uploaded_at: datetime
    url: str

    @staticmethod
    def resolve_url(obj):
        return f"/api/v1/attachments/{obj.pk}"


@router.get("/attachments/{int:pk}", summary="下载附件（须能查看其所属数据）")
def download(request, pk: int):
    return views.response(request.auth, pk)
