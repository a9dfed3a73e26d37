"""Key projects (重点项目) of the chains: matched by chain, project name and plan year; the building enterprise
(建设单位) found by USCC or name, the segment by name on the chain's map, the department in the chain's region."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from chainchief.core.permissions import CHANGE, VIEW, can, restrict
from chainchief.imports.fields import PREVIEW_ROWS, CellError, Column, figure_text, is_empty, normalise_name, text
from chainchief.imports.kinds.base import (USCC, ChainNames, DepartmentNames, Kind, RowDenied, RowWriter, changed_values,
                                           parse_cell, prose, report_row_error)
from chainchief.imports.matching import EnterpriseIndex
from chainchief.imports.table import is_blank, is_total

KIND_WORDS = {"新建": "new", "新上": "new", "扩建": "expansion", "改扩建": "expansion", "扩能": "expansion",
              "技术改造": "upgrade", "技改": "upgrade", "改建": "upgrade", "new": "new", "expansion": "expansion",
              "upgrade": "upgrade"}
STAGE_WORDS = {"前期": "preparing", "谋划": "preparing", "储备": "preparing", "筹备": "preparing",
               "在建": "building", "续建": "building", "新开工": "building", "开工": "building", "建设中": "building",
               "竣工": "completed", "完工": "completed", "已竣工": "completed", "投产": "operating",
               "达产": "operating", "已投产": "operating", "运营": "operating", "preparing": "preparing",
               "building": "building", "completed": "completed", "operating": "operating"}
FIELDS = ("total_investment", "annual_plan", "planned_start_on", "planned_finish_on", "started_on", "finished_on")


class KeyProjects(Kind):
    key = "key_projects"
    label = "重点项目"
    instructions = ("填写说明：第 3 行起每行一个项目的一个计划年度。按 产业链 + 项目名称 + 计划年度 匹配，已存在的项目更新其余各列，"
                    "空白单元格不修改原值。建设单位填统一社会信用代码或企业名称，须是本区域的企业；所属环节须是该产业链图谱中的"
                    "环节。建设性质填 新建 / 扩建 / 技术改造；项目阶段填 前期 / 在建 / 竣工 / 投产（已开工的须填实际开工日期，"
                    "已竣工的须填实际竣工日期）。金额单位为万元（列名写明“（亿元）”时自动换算）。")

    def __init__(self):
        from chainchief.work.models import KeyProject

        self.model = KeyProject
        self.columns = [
            Column("chain", "产业链", required=True, aliases=("所属产业链", "产业链名称", "链条"), example="动力装备"),
            Column("enterprise", "建设单位", aliases=("项目建设单位", "建设单位名称", "项目单位", "实施单位", "承建单位",
                                                  "企业名称", "单位名称"), example="潍坊某某动力有限公司"),
            USCC,
            Column("segment", "所属环节", aliases=("环节", "产业链环节", "环节名称"), example="柴油机"),
            Column("name", "项目名称", required=True, aliases=("项目", "重点项目", "重点项目名称"), max_length=200,
                   example="大缸径高速发动机智能工厂建设项目"),
            Column("kind", "建设性质", aliases=("项目性质", "建设类型", "项目类型"), example="新建"),
            Column("total_investment", "总投资（万元）", "money", aliases=("总投资", "计划总投资", "项目总投资"),
                   example="120000"),
            Column("year", "计划年度", "year", required=True, aliases=("年度", "计划年份", "年份"), example="2021"),
            Column("annual_plan", "年度计划投资（万元）", "money", aliases=("年度计划投资", "本年计划投资", "年度投资计划",
                                                                 "年度计划"), example="40000"),
            Column("stage", "项目阶段", aliases=("阶段", "建设阶段", "项目进度", "项目状态"), example="在建"),
            Column("planned_start_on", "计划开工日期", "date", aliases=("计划开工时间", "计划开工"), example="2021-03-01"),
            Column("planned_finish_on", "计划竣工日期", "date", aliases=("计划竣工时间", "计划竣工", "计划完工日期"),
                   example="2022-10-31"),
            Column("started_on", "实际开工日期", "date", aliases=("开工日期", "开工时间", "实际开工时间")),
            Column("finished_on", "实际竣工日期", "date", aliases=("竣工日期", "竣工时间", "实际竣工时间", "完工日期")),
            Column("department", "责任部门", aliases=("牵头部门", "责任单位", "主管部门"), example="市工业和信息化局"),
        ]
        self.labels = {c.name: c.label for c in self.columns}
        self.labels["uscc"] = USCC.label

    def run(self, ctx):
        from chainchief.enterprises.models import Enterprise
        from chainchief.maps.models import Segment
        from chainchief.work.models import KeyProject

        out, header, user = ctx.out, ctx.header, ctx.user
        chains, departments, index = ChainNames(user), DepartmentNames(), EnterpriseIndex()
        segments = {}
        for seg in Segment.objects.filter(chain__in=list(chains.by_name.values())):
            segments.setdefault((seg.chain_id, normalise_name(seg.name)), seg)
        visible = set(restrict(Enterprise.objects.all(), user, VIEW).values_list("pk", flat=True))
        columns = {c.name: c for c in self.columns}
        where = {name: m.where for name, m in header.by_name().items()}
        rows, seen = [], {}
        for row, cells in ctx.data:
            if is_blank(cells) or is_total(cells):
                continue
            out.total += 1
            ctx.progress.tick(out.total)
            cells_ = self.cells(header, cells)
            values = {name: raw for name, (raw, m) in cells_.items() if not is_empty(raw)}
            chain = chains.get(text(values.get("chain", "")))
            if chain is None:
                out.error(row, where["chain"], text(values.get("chain", "")) or None,
                          f"未知的产业链“{text(values.get('chain', ''))}”。")
                continue
            data, bad = {}, False
            for name in ("name", "year", *FIELDS):
                if name in values:
                    try:
                        data[name] = (prose(columns[name], values[name]) if name == "name" else
                                      parse_cell(columns[name], values[name], cells_[name][1].unit))
                    except CellError as exc:
                        out.error(row, where[name], text(values[name]), str(exc))
                        bad = True
            if not data.get("name"):
                out.error(row, where["name"], None, "项目名称不能为空。")
                continue
            if data.get("year") is None:
                if "year" not in values:
                    out.error(row, where["year"], None, "请填写计划年度。")
                continue
            for name, words, expected in (("kind", KIND_WORDS, "新建、扩建 或 技术改造"),
                                          ("stage", STAGE_WORDS, "前期、在建、竣工 或 投产")):
                if name in values:
                    word = text(values[name]).replace(" ", "")
                    if word not in words:
                        out.error(row, where[name], word, f"应为 {expected}。")
                        bad = True
                    data[name] = words.get(word)
            if "segment" in values:
                seg = segments.get((chain.pk, normalise_name(values["segment"])))
                if seg is None:
                    out.error(row, where["segment"], text(values["segment"]),
                              f"产业链“{chain.name}”的图谱中没有环节“{text(values['segment'])}”。")
                    bad = True
                data["segment"] = seg
            if "department" in values:
                dept = departments.get(chain.region_id, text(values["department"]))
                if dept is None:
                    out.error(row, where["department"], text(values["department"]),
                              f"{chain.region.name}没有部门“{text(values['department'])}”。")
                    bad = True
                data["department"] = dept
            ent_id, col = self._enterprise(row, values, where, index, visible, out)
            if ent_id is False:
                bad = True
            elif ent_id is not None:
                data["enterprise_id"] = ent_id
            key = (chain.pk, normalise_name(data["name"]), data["year"])
            if key in seen:
                out.error(row, where["name"], data["name"], f"与第 {seen[key]} 行重复（同一产业链、项目名称和计划年度）。")
                continue
            seen[key] = row
            if not bad:
                rows.append({"row": row, "chain": chain, "key": key, "data": data, "enterprise_column": col,
                             "values": {k: text(v) for k, v in values.items()}})
        existing = {(p.chain_id, normalise_name(p.name), p.year): p
                    for p in KeyProject.objects.filter(chain_id__in={item["chain"].pk for item in rows})}
        writer = RowWriter(ctx.batch, user, out)
        for item in rows:
            self._write(item, existing, writer, out, where, user, index)
        writer.flush()

    def _enterprise(self, row, values, where, index, visible, out):
        """(enterprise id, the column that named it): None when no column names one, False after an error (or a
        name awaiting confirmation). An enterprise out of the user's sight is not found, as its page would be."""
        code = values.get("uscc")
        col = "uscc"
        if code is None and "enterprise" in values and len(text(values["enterprise"])) == 18 \
                and text(values["enterprise"]).isalnum():
            code, col = values["enterprise"], "enterprise"  # a USCC written in the 建设单位 column
        if code is not None:
            canonical, ent_id, err = index.code(code)
            if err or ent_id is None or ent_id not in visible:
                out.error(row, where[col], text(code), err or "系统中没有该统一社会信用代码的企业。")
                return False, col
            return ent_id, col
        if "enterprise" not in values:
            return None, None
        ent_id, candidates = index.name(values["enterprise"])
        if ent_id is None or ent_id not in visible:
            candidates = [c for c in candidates if c["id"] in visible]
            if ent_id is None and candidates:
                out.match(row, values["enterprise"], candidates)
            else:
                out.error(row, where["enterprise"], text(values["enterprise"]),
                          "未找到该企业；请填写统一社会信用代码，或先导入企业名录。")
            return False, "enterprise"
        return ent_id, "enterprise"

    def _write(self, item, existing, writer, out, where, user, index):
        from chainchief.work.models import KeyProject

        row, chain, data = item["row"], item["chain"], dict(item["data"])
        project = existing.get(item["key"])
        try:
            with transaction.atomic():
                if project is None:
                    if "enterprise_id" not in data:
                        raise ValidationError({"enterprise": "新项目须填写建设单位（统一社会信用代码或企业名称）。"})
                    project = KeyProject(chain=chain, **data)
                    writer.create(project, row, denied=("chain", f"无权在产业链“{chain.name}”中新增重点项目。"))
                    action = "new"
                else:
                    if not can(user, CHANGE, project):  # before comparing: "unchanged" would confirm a stored value
                        raise RowDenied(f"无权修改重点项目“{project.name}”。", "name")
                    changed = changed_values(project, data)
                    if changed:  # e.g. moved to an enterprise out of the user's reach
                        writer.update(project, changed, row,
                                      denied=("enterprise", f"无权把重点项目“{project.name}”改为该建设单位。"))
                        action = "updated"
                    else:
                        action = "unchanged"
        except (ValidationError, PermissionDenied, IntegrityError) as exc:
            self._errors(exc, row, item, out, where)
            writer.changes = [c for c in writer.changes if c.row != row]
            if project is not None and project.pk and item["key"] in existing:
                project.refresh_from_db()
            return
        existing[item["key"]] = project
        setattr(out, action, getattr(out, action) + 1)
        if len(out.preview) < PREVIEW_ROWS:
            out.preview.append({"row": row, "action": action, "chain": chain.name, "project": project.name,
                                "enterprise": index.info[project.enterprise_id][0], "year": project.year,
                                "project_stage": project.get_stage_display(),
                                "annual_plan": figure_text(project.annual_plan)})

    def _errors(self, exc, row, item, out, where):
        report_row_error(out, exc, row, item["values"], where, self.labels,
                         aliases={"enterprise": item["enterprise_column"]})
