"""A user's saved filters of a list page. Each user reads and changes only its own."""
from urllib.parse import parse_qsl, urlencode

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from chainchief.accounts.models import SavedView

MAX_PER_PAGE = 20


def of(user, page):
    return SavedView.objects.filter(user=user, page=page)


def save(user, page, name, query):
    name = (name or "").strip()
    if not name:
        raise ValidationError("请为常用筛选起一个名称。")
    if len(name) > 40:
        raise ValidationError("名称不能超过 40 个字。")
    pairs = [(k, v) for k, v in parse_qsl(query or "") if k != "page" and v]
    if not pairs:
        raise ValidationError("当前没有筛选条件，无需保存。")
    if of(user, page).count() >= MAX_PER_PAGE:
        raise ValidationError(f"每个页面最多保存 {MAX_PER_PAGE} 个常用筛选。")
    try:
        with transaction.atomic():
            return SavedView.objects.create(user=user, page=page, name=name, query=urlencode(pairs)[:500])
    except IntegrityError:
        raise ValidationError(f"已有名为“{name}”的常用筛选。") from None


def delete(user, pk):
    return SavedView.objects.filter(user=user, pk=pk).delete()[0]
