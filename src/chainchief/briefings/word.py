"""Word (.docx) files of the briefings, laid out as a government document (after GB/T 9704): red masthead, issue
and document-number line under a red rule, the title in 宋体, headings in 黑体 and 楷体, body in 仿宋 at 16 pt with
a 28 pt line, A4 with the standard margins and the page number as "— N —" in the footer.

Word has no font fallback list: the fonts named here (宋体, 黑体, 楷体, 仿宋) are those every Chinese desktop has;
elsewhere the reader's own substitution applies (LibreOffice maps them to Noto CJK through fontconfig).
"""
import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Mm, Pt, RGBColor

from chainchief.briefings.content import LIST_LIMIT, pct

RED = RGBColor(0xC0, 0x00, 0x00)
SONG, HEI, KAI, FANG = "宋体", "黑体", "楷体", "仿宋"
LATIN = "Times New Roman"
BODY_PT, TABLE_PT = 16, 10.5
NUMERALS = "一二三四五六七八九十"


def _font(run, east_asia=FANG, size=BODY_PT, bold=False, colour=None):
    run.font.name = LATIN
    run.font.size = Pt(size)
    run.font.bold = bold
    if colour is not None:
        run.font.color.rgb = colour
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), east_asia)
    return run


def _paragraph(doc, text="", *, east_asia=FANG, size=BODY_PT, bold=False, colour=None, align=None, indent=True,
               space_after=0):
    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(28 if size >= BODY_PT else size * 1.5)
    fmt.space_after = Pt(space_after)
    fmt.space_before = Pt(0)
    if indent and align is None:
        fmt.first_line_indent = Pt(size * 2)
    if align is not None:
        p.alignment = align
    if text:
        _font(p.add_run(text), east_asia, size, bold, colour)
    return p


def _rule(paragraph, colour="C00000", size=12):
    """A red line under the paragraph (its bottom border), as under a document's masthead."""
    ppr = paragraph._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", str(size)), ("w:space", "4"), ("w:color", colour)):
        bottom.set(qn(key), value)
    border.append(bottom)
    ppr.append(border)


def _page_numbers(section):
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run("— "), SONG, 14)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    p._p.append(field)
    _font(p.add_run(" —"), SONG, 14)


def _document():
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = doc.styles["Normal"]
    normal.font.name = LATIN
    normal.font.size = Pt(BODY_PT)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FANG)
    _page_numbers(section)
    return doc


def _masthead(doc, masthead, issue_line, doc_number):
    _paragraph(doc, masthead, east_asia=SONG, size=32, bold=True, colour=RED, align=WD_ALIGN_PARAGRAPH.CENTER,
               space_after=12)
    _paragraph(doc, issue_line, align=WD_ALIGN_PARAGRAPH.CENTER)
    line = _paragraph(doc, doc_number, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=18)
    _rule(line)


def _title(doc, text):
    _paragraph(doc, text, east_asia=SONG, size=22, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=16)


def _heading(doc, number, text):
    _paragraph(doc, f"{NUMERALS[number - 1]}、{text}", east_asia=HEI).paragraph_format.keep_with_next = True


def _subheading(doc, number, text):
    _paragraph(doc, f"（{NUMERALS[number - 1]}）{text}", east_asia=KAI).paragraph_format.keep_with_next = True


def _table(doc, header, rows, widths=None, size=TABLE_PT):
    """A bordered table of text; ``doc`` may be the document or a cell (a table within a table)."""
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, header):
        cell.text = ""
        _font(cell.paragraphs[0].add_run(text), HEI, size)
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for values in rows:
        cells = table.add_row().cells
        for i, (cell, text) in enumerate(zip(cells, values)):
            cell.text = ""
            _font(cell.paragraphs[0].add_run("" if text is None else str(text)), FANG, size)
            if i and len(str(text or "")) < 12:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    if widths:
        _widths(table, widths)
    _spacer(doc)
    return table


def _widths(table, widths):
    """Column widths that both Word (the cells') and LibreOffice (the grid's) follow."""
    table.autofit = False
    for column, width in zip(table.columns, widths):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = Cm(width)


def _spacer(doc, points=6):
    """A small gap after a table (an empty paragraph at the body's 28 pt would leave a blank line)."""
    fmt = doc.add_paragraph().paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(points)
    fmt.space_after = fmt.space_before = Pt(0)


def _cell_heading(cell, text, size=9.5):
    """The heading of a layout cell, in the paragraph a new cell already has (an added one would leave a blank
    line above it)."""
    p = cell.paragraphs[0]
    fmt = p.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(size * 1.6)
    fmt.space_after = fmt.space_before = Pt(0)
    _font(p.add_run(text), HEI, size)


def _columns(doc, rows=1):
    """A borderless table of two columns, for laying lists side by side."""
    grid = doc.add_table(rows=rows, cols=2)
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(grid, [9.1, 9.1])
    return grid


def _picture(doc, png, width_mm=156):
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run().add_picture(io.BytesIO(png), width=Emu(Mm(width_mm)))


def _bytes(doc):
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def chain_table_rows(content):
    return [[r["rank"] or "—", r["name"], r["revenue_yi"] or "—", pct(r["yoy_comparable"]), pct(r["progress"]),
             pct(r["required_cagr"]), r["status_label"]] for r in content["chains"]]


CHAIN_HEADER = ["排名", "产业链", "累计营业收入（亿元）", "可比同比", "目标进度", "所需年均增速", "状态"]


def monthly(texts, content, images):
    doc = _document()
    _masthead(doc, texts["masthead"], texts["issue_line"], texts["doc_number"])
    _title(doc, texts["title"])
    if texts.get("replaces"):
        _paragraph(doc, texts["replaces"], east_asia=KAI, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=6)
    if texts["introduction"]:
        for part in texts["introduction"].splitlines():
            if part.strip():
                _paragraph(doc, part.strip())
    city = content["city"]
    _heading(doc, 1, "总体情况")
    _paragraph(doc, texts["overall_sentence"])
    _picture(doc, images["trend"])
    _heading(doc, 2, "各产业链运行情况")
    _paragraph(doc, texts["status_sentence"])
    _table(doc, CHAIN_HEADER, chain_table_rows(content), widths=[1.1, 3.3, 2.9, 1.9, 1.9, 2.7, 1.8])
    reasons = [r for r in content["chains"] if r["status"] in ("red", "yellow")]
    for r in reasons:
        _paragraph(doc, f"{r['name']}（{r['status_label']}）：{r['status_reason']}。")
    _picture(doc, images["progress"])
    _heading(doc, 3, "主要问题")
    if texts["problems"]:
        if texts["problems_lead"]:
            _paragraph(doc, texts["problems_lead"])
        for line in texts["problems"]:
            _paragraph(doc, line)
    else:
        _paragraph(doc, "本期各产业链运行平稳，无需特别关注的问题。")
    ea = content["enterprise_alerts"]
    _paragraph(doc, f"企业层面，营业收入同比大幅下降的企业 {ea['sharp_drops']} 家，规上企业未报送 {ea['not_reported']} 家。")
    _heading(doc, 4, "工作推进情况")
    _subheading(doc, 1, "逾期任务")
    tasks = content["tasks_by_department"]
    if tasks:
        _table(doc, ["牵头部门", "未完成任务", "其中逾期"], [[t["department"], t["open"], t["overdue"]] for t in tasks],
               widths=[7, 3.5, 3.5])
    else:
        _paragraph(doc, "暂无未完成任务。")
    _subheading(doc, 2, "企业诉求办理")
    requests = content["requests_by_department"]
    if requests:
        _table(doc, ["承办部门", "受理", "未办结", "逾期", "按时答复率"],
               [[r["department"], r["count"], r["open"], r["overdue"], pct(r["on_time_rate"])] for r in requests],
               widths=[5.5, 2, 2.2, 2, 2.6])
    else:
        _paragraph(doc, "暂无未办结诉求。")
    _subheading(doc, 3, "重点项目")
    behind = content["projects_behind"]
    if behind:
        _paragraph(doc, f"进度滞后的重点项目 {len(behind)} 个：")
        _table(doc, ["项目", "产业链", "年度计划（万元）", "已完成（万元）", "滞后原因"],
               [[p["name"], p["chain"], p["annual_plan"], p["completed"], "；".join(p["reasons"])] for p in behind],
               widths=[4, 2.6, 2.4, 2.4, 3.8])
    else:
        _paragraph(doc, "重点项目均按计划推进。")
    _heading(doc, 5, "下步工作")
    for i, step in enumerate(texts["next_steps"], 1):
        _paragraph(doc, f"{i}. {step}")
    if texts.get("data_note"):
        _paragraph(doc, texts["data_note"], size=TABLE_PT + 1.5)
    _paragraph(doc, texts["sign_off"], align=WD_ALIGN_PARAGRAPH.RIGHT)
    first = True
    for line in texts["distribution"]:  # 版记
        p = _paragraph(doc, line, size=14, indent=False, space_after=0)
        if first:
            _rule(p, colour="000000", size=8)
            first = False
    return _bytes(doc)


def chain_page(texts, content, images):
    doc = _document()
    section = doc.sections[0]
    section.top_margin, section.bottom_margin = Mm(14), Mm(14)
    section.left_margin, section.right_margin = Mm(14), Mm(14)
    small = 8.5
    _paragraph(doc, texts["title"], east_asia=SONG, size=17, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(doc, texts["issue_line"], size=9, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=4)
    k = content["kpi"]
    _table(doc, ["累计营业收入（亿元）", "可比同比", "全市排名", "目标进度", "所需年均增速", "状态"],
           [[k["revenue_yi"] or "—", pct(k["yoy_comparable"]), k["rank"] or "—", pct(k["progress"]),
             pct(k["required_cagr"]), k["status_label"]]], widths=[3.6, 2.6, 2.6, 2.8, 3.2, 3.2], size=10.5)
    _paragraph(doc, f"状态说明：{k['status_reason']}。", size=9, indent=False)
    _picture(doc, images["trend"], width_mm=150)
    grid = _columns(doc, rows=2)
    left, right = grid.rows[0].cells
    m = content["map"]
    _cell_heading(left, f"产业链图谱：{m['segments']} 个环节，强链 {m['strong']}、弱链 {m['weak']}、缺链 {m['missing']}")
    gaps = m["gaps"][:LIST_LIMIT]
    if gaps:
        _table(left, ["补短板环节", "判定", "所缺"], [[g["name"], g["strength_label"], g["lacking"]] for g in gaps],
               widths=[2.3, 1.2, 5.3], size=small)
        if len(m["gaps"]) > len(gaps):
            _paragraph(left, f"另有 {len(m['gaps']) - len(gaps)} 个补短板环节，见产业链图谱。", size=small, indent=False)
    else:
        _paragraph(left, "各环节均为强链。", size=small, indent=False)
    _cell_heading(right, "重点企业（按累计营业收入）")
    if content["top_enterprises"]:
        _table(right, ["企业", "营收（亿元）", "同比"],
               [[e["name"], e["revenue_yi"], pct(e["yoy"])] for e in content["top_enterprises"]],
               widths=[5.0, 2.2, 1.6], size=small)
    else:
        _paragraph(right, "本期暂无企业数据。", size=small, indent=False)
    t, r = content["tasks"], content["requests"]
    left, right = grid.rows[1].cells
    _cell_heading(left, f"未完成任务 {t['open']} 项（逾期 {t['overdue']} 项）")
    if t["rows"]:
        _table(left, ["任务", "牵头部门", "时限"],
               [[x["title"] + ("（逾期）" if x["overdue"] else ""), x["department"], x["due_on"]] for x in t["rows"]],
               widths=[4.4, 2.4, 2.0], size=small)
    _cell_heading(right, f"未办结诉求 {r['open']} 件（逾期 {r['overdue']} 件）")
    if r["rows"]:
        _table(right, ["诉求", "企业", "期限"],
               [[x["title"] + ("（逾期）" if x["overdue"] else ""), x["enterprise"], x["due_on"] or "—"]
                for x in r["rows"]], widths=[3.6, 3.2, 2.0], size=small)
    return _bytes(doc)


def render(texts, content, images):
    return (monthly if content["kind"] == "monthly" else chain_page)(texts, content, images)

