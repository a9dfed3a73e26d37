"""Import batches: every uploaded file is a batch with a status, counts, its errors and what it wrote."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chainchief.core.access import AUDIT, Access
from chainchief.core.querysets import RestrictedQuerySet
from chainchief.imports import registry


class BatchStatus(models.TextChoices):
    PENDING = "pending", _("排队中")
    RUNNING = "running", _("处理中")
    PARSED = "parsed", _("有错误")  # read, but rows have errors or matches await confirmation
    VALIDATED = "validated", _("待提交")  # a clean dry run: may be committed
    COMMITTED = "committed", _("已导入")
    ROLLED_BACK = "rolled_back", _("已撤销")
    FAILED = "failed", _("失败")  # unreadable file or a refused commit


class ImportBatch(models.Model):
    kind = models.CharField(_("导入类型"), max_length=16, choices=registry.choices)
    file_name = models.CharField(_("文件名"), max_length=255)
    file_path = models.CharField(_("存储路径"), max_length=255, editable=False)
    size = models.BigIntegerField(_("文件大小"), default=0)
    expanded_size = models.BigIntegerField(_("解压后大小"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("导入人"), null=True,
                             on_delete=models.SET_NULL, related_name="import_batches")
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(_("处理完成时间"), null=True, blank=True)
    committed_at = models.DateTimeField(_("导入时间"), null=True, blank=True)
    rolled_back_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=BatchStatus.choices, default=BatchStatus.PENDING)
    message = models.TextField(_("说明"), blank=True)
    replaces = models.ForeignKey("self", verbose_name=_("替代批次"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="replaced_by",
                                 help_text=_("此前导入的同一文件（相同 SHA-256 与类型）"))
    sheet = models.CharField(_("工作表"), max_length=64, blank=True)
    header_row = models.PositiveIntegerField(_("表头行"), null=True, blank=True)
    columns = models.JSONField(_("列对应"), default=list, blank=True)
    total_rows = models.PositiveIntegerField(_("数据行数"), default=0)
    new_count = models.PositiveIntegerField(_("新增"), default=0)
    updated_count = models.PositiveIntegerField(_("更新"), default=0)
    unchanged_count = models.PositiveIntegerField(_("未变"), default=0)
    error_count = models.PositiveIntegerField(_("错误行"), default=0)
    errors = models.JSONField(_("错误"), default=list, blank=True)  # [{row, column, value, message}], capped
    errors_truncated = models.BooleanField(default=False)
    preview = models.JSONField(_("预览"), default=list, blank=True)
    matches = models.JSONField(_("待确认匹配"), default=list, blank=True)
    progress = models.PositiveIntegerField(_("已处理行数"), default=0)
    progress_total = models.PositiveIntegerField(_("预计行数"), default=0)
    # Who is reading the batch ("host:pid") and when it last said so: a batch still 处理中 whose process is gone,
    # or silent for IMPORT_STALE_MINUTES, is stuck (imports.services.is_stuck) and may be cleared by the office.
    runner = models.CharField(_("处理进程"), max_length=128, blank=True, editable=False)
    heartbeat_at = models.DateTimeField(_("最近心跳"), null=True, blank=True, editable=False)

    objects = RestrictedQuerySet.as_manager()
    access = Access(kind=AUDIT, region="user__region")  # admins all; the chain office its region; others their own

    MAX_ERRORS = 2000

    class Meta:
        verbose_name = _("导入批次")
        verbose_name_plural = _("导入批次")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()}导入 #{self.pk} {self.file_name}"

    @property
    def can_commit(self):
        return self.status == BatchStatus.VALIDATED

    @property
    def can_rollback(self):
        return self.status == BatchStatus.COMMITTED

    @property
    def is_running(self):
        return self.status in (BatchStatus.PENDING, BatchStatus.RUNNING)

    @property
    def percent(self):
        if not self.progress_total:
            return 0 if self.is_running else 100
        return min(100, round(100 * self.progress / self.progress_total))

    @property
    def pending_matches(self):
        return [m for m in self.matches if not m.get("confirmed")]


class ImportRowChange(models.Model):
    """One row a committed batch wrote: what it created, or the values it overwrote (``before``), so that a
    rollback deletes the one and restores the other. Monthly statistics a batch created are found by
    ``MonthlyStat.import_batch`` instead, so a million new figures need no second million rows here."""

    CREATE, UPDATE = "create", "update"

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="changes")
    model = models.CharField(max_length=64)  # app_label.model_name
    object_id = models.BigIntegerField()
    action = models.CharField(max_length=8, choices=[(CREATE, _("新增")), (UPDATE, _("更新"))])
    row = models.PositiveIntegerField(null=True)
    before = models.JSONField(null=True)
    after = models.JSONField(null=True)

    class Meta:
        verbose_name = _("导入变更")
        verbose_name_plural = _("导入变更")
        indexes = [models.Index(fields=["batch", "model"])]


def _normalised_name_field():
    return models.CharField(_("名称（规范化）"), max_length=128, unique=True)


class NameMatch(models.Model):
    """A confirmed match of an enterprise name as written in a sheet to an enterprise, remembered so later
    imports do not ask again."""

    name = _normalised_name_field()
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE,
                                   related_name="+")
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                     related_name="+")
    confirmed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("企业名称匹配")
        verbose_name_plural = _("企业名称匹配")

    def __str__(self):
        return f"{self.name} → {self.enterprise_id}"
