from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404

from chainchief.attachments import services


def response(user, pk):
    found = services.readable(user, pk)
    if found is None:
        raise Http404("附件不存在或无权访问。")
    row, handle = found
    return FileResponse(handle, as_attachment=True, filename=row.name, content_type=row.mime)


@login_required
def download(request, pk):
    return response(request.user, pk)
