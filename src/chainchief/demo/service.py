"""The demo's enterprise service: commissioners paired with enterprises, their visits, and requests in every
state of the workflow — some overdue and escalated — each with its timeline, dated back from today so that the
deadlines and the statistics have something real to show."""
import datetime
import random

from django.utils import timezone

from chainchief.accounts.models import Notification, Role, User
from chainchief.appeals import deadlines
from chainchief.appeals.models import (
    Channel, EventAction, Request, RequestCategory, RequestDeadline, RequestEvent, RequestStatus, Satisfaction,
    Urgency,
)
from chainchief.core.models import Department, Person, Region
from chainchief.demo import data
from chainchief.enterprises.models import CommissionerAssignment, Enterprise, Visit

S = RequestStatus
# (title, category, urgency, content)
PROBLEMS = [
    ("扩产项目用地指标不足", RequestCategory.LAND, Urgency.URGENT, "二期扩产项目已备案，缺少约 50 亩建设用地指标，影响年内开工。"),
    ("流动资金贷款续贷困难", RequestCategory.FINANCING, Urgency.URGENT, "一笔 3000 万元流动资金贷款下月到期，银行收紧授信，希望协调续贷。"),
    ("熟练技工招聘难", RequestCategory.LABOUR, Urgency.NORMAL, "数控、焊接技工缺口约 80 人，希望对接职业院校订单培养。"),
    ("环评审批进度慢", RequestCategory.APPROVAL, Urgency.NORMAL, "技改项目环评报告已提交两个月，希望了解审批进度。"),
    ("新增用能指标", RequestCategory.ENERGY, Urgency.NORMAL, "新上生产线需年新增用能约 5000 吨标煤，申请能耗指标。"),
    ("出口集装箱订舱难", RequestCategory.LOGISTICS, Urgency.URGENT, "出口订单增加，青岛港订舱困难、运价上涨，希望协调。"),
    ("关键零部件联合攻关", RequestCategory.TECHNOLOGY, Urgency.NORMAL, "高压共轨喷油器依赖进口，希望对接高校院所联合攻关。"),
    ("首台套产品市场推广", RequestCategory.MARKET, Urgency.NORMAL, "首台套装备已通过鉴定，希望纳入政府采购推荐目录。"),
    ("技改补助资金未兑现", RequestCategory.POLICY, Urgency.URGENT, "去年技改项目补助已公示，资金尚未拨付。"),
    ("厂区供电增容", RequestCategory.UTILITIES, Urgency.CRITICAL, "新车间投产在即，需增容 2000 千伏安，供电方案尚未批复。"),
    ("高新技术企业认定辅导", RequestCategory.POLICY, Urgency.NORMAL, "今年拟申报高新技术企业，希望获得申报辅导。"),
    ("跨境结算汇率风险", RequestCategory.FINANCING, Urgency.NORMAL, "美元结算占比高，希望了解汇率避险工具和政策支持。"),
    ("产品检测认证周期长", RequestCategory.APPROVAL, Urgency.NORMAL, "新产品 3C 认证周期长，希望协调检测机构加快进度。"),
    ("周边道路施工影响物流", RequestCategory.LOGISTICS, Urgency.CRITICAL, "厂区门前道路施工封闭，货车无法进出，影响交货。"),
    ("人才公寓申请", RequestCategory.LABOUR, Urgency.NORMAL, "引进的 5 名博士希望申请人才公寓。"),
    ("数字化改造诊断", RequestCategory.TECHNOLOGY, Urgency.NORMAL, "希望参加智能化改造免费诊断服务。"),
    ("参加境外展会补贴", RequestCategory.MARKET, Urgency.NORMAL, "拟参加汉诺威工业展，希望了解展位补贴政策。"),
    ("天然气供应价格", RequestCategory.UTILITIES, Urgency.NORMAL, "冬季用气价格上涨明显，希望协调稳定供气价格。"),
    ("排污许可变更", RequestCategory.APPROVAL, Urgency.URGENT, "产能调整后需变更排污许可，希望加快办理。"),
    ("股权融资对接", RequestCategory.FINANCING, Urgency.NORMAL, "计划引入战略投资者，希望对接产业基金。"),
    ("其他：企业更名手续", RequestCategory.OTHER, Urgency.NORMAL, "企业拟更名，涉及多项证照变更，希望一次办好。"),
    ("出口退税进度", RequestCategory.POLICY, Urgency.NORMAL, "上季度出口退税尚未到账，希望了解进度。"),
    ("厂房租赁", RequestCategory.LAND, Urgency.NORMAL, "短期需租赁标准厂房约 3000 平方米。"),
    ("校企合作实训基地", RequestCategory.LABOUR, Urgency.NORMAL, "希望与职业学院共建实训基地。"),
]
# (final status, days ago received, overdue?, escalated?, satisfaction, channel)
PATHS = [
    (S.SUBMITTED, 1, False, False, "", Channel.ENTERPRISE),
    (S.SUBMITTED, 0, False, False, "", Channel.COMMISSIONER),
    (S.ACCEPTED, 2, False, False, "", Channel.ENTERPRISE),
    (S.REJECTED, 20, False, False, "", Channel.ENTERPRISE),
    (S.ASSIGNED, 3, False, False, "", Channel.COMMISSIONER),
    (S.ASSIGNED, 25, True, True, "", Channel.OFFICE),
    (S.HANDLING, 4, False, False, "", Channel.ENTERPRISE),
    (S.HANDLING, 30, True, True, "", Channel.COMMISSIONER),
    (S.HANDLING, 18, True, False, "", Channel.ENTERPRISE),
    (S.HANDLING, 40, True, True, "unsatisfied", Channel.ENTERPRISE),  # reopened after an unsatisfied evaluation
    (S.REPLIED, 9, False, False, "", Channel.ENTERPRISE),
    (S.REPLIED, 12, False, False, "", Channel.COMMISSIONER),
    (S.REVIEWED, 15, False, False, Satisfaction.SATISFIED, Channel.ENTERPRISE),
    (S.REVIEWED, 22, False, False, Satisfaction.BASIC, Channel.OFFICE),
    (S.CLOSED, 35, False, False, Satisfaction.SATISFIED, Channel.ENTERPRISE),
    (S.CLOSED, 50, False, False, Satisfaction.SATISFIED, Channel.COMMISSIONER),
    (S.CLOSED, 60, False, False, Satisfaction.BASIC, Channel.ENTERPRISE),
    (S.CLOSED, 75, False, True, Satisfaction.SATISFIED, Channel.OFFICE),
    (S.CLOSED, 90, False, False, Satisfaction.UNSATISFIED, Channel.ENTERPRISE),
    (S.CLOSED, 110, False, False, Satisfaction.SATISFIED, Channel.COMMISSIONER),
    (S.CLOSED, 130, False, False, Satisfaction.SATISFIED, Channel.ENTERPRISE),
    (S.REPLIED, 6, False, False, "", Channel.ENTERPRISE),
    (S.HANDLING, 8, False, False, "", Channel.OFFICE),
    (S.ACCEPTED, 14, True, False, "", Channel.COMMISSIONER),
]
COMMISSIONERS = [("王建国", "市工业和信息化局"), ("李红梅", "市商务局"), ("张志强", "市发展和改革委员会")]


def is_loaded():
    return CommissionerAssignment.objects.exists()


def load(seed=2021):
    rng = random.Random(seed + 13)
    city = Region.objects.get(code=data.CITY[1])
    today = timezone.localdate()
    departments = {d.name: d for d in Department.objects.filter(region=city)}
    chain_enterprises = list(Enterprise.objects.filter(is_sample=True, memberships__isnull=False)
                             .distinct().order_by("pk"))
    people = []
    for name, dept in COMMISSIONERS:
        people.append(Person.objects.create(name=name, title="服务企业专员", region=city,
                                            department=departments[dept]))
    login = User.objects.get(username="commissioner")
    people[0].user = login
    people[0].save(update_fields=["user"])
    served = list(login.enterprises.order_by("pk"))
    start = today - datetime.timedelta(days=180)
    for ent in served:
        CommissionerAssignment.objects.create(commissioner=people[0], enterprise=ent, started_on=start)
    own = User.objects.get(username="enterprise").enterprises.first()
    others = [e for e in chain_enterprises if e not in served and e != own]
    # An ended pairing stays on record; the other commissioners serve more of the city's enterprises.
    CommissionerAssignment.objects.create(commissioner=people[0], enterprise=others[0], started_on=start,
                                          ended_on=today - datetime.timedelta(days=30), note="企业迁址，改由属地专员包联")
    for i, ent in enumerate(others[:40]):
        CommissionerAssignment.objects.create(commissioner=people[1 + i % 2], enterprise=ent, started_on=start)

    for i, ent in enumerate(served[:6] + others[:6]):
        visited = today - datetime.timedelta(days=3 + 9 * i)
        Visit.objects.create(enterprise=ent, commissioner=people[0] if ent in served else people[1 + i % 2],
                             visited_on=visited, people_met="总经理、办公室主任",
                             content="了解企业生产经营、订单和用工情况，宣讲惠企政策。",
                             problems="反映技工招聘难、流动资金偏紧。" if i % 3 == 0 else "")

    RequestDeadline.objects.create(region=city, urgency=Urgency.CRITICAL, days=1)
    RequestDeadline.objects.create(region=city, urgency=Urgency.URGENT, days=3)
    RequestDeadline.objects.create(region=city, urgency=Urgency.NORMAL, days=5)
    RequestDeadline.objects.create(region=city, category=RequestCategory.LAND, urgency=Urgency.NORMAL, days=15)
    RequestDeadline.objects.create(region=city, category=RequestCategory.APPROVAL, urgency=Urgency.NORMAL, days=10)

    staff = {u.role: u for u in User.objects.filter(username__in=["coordinator", "dept", "enterprise", "chief"])}
    dept_names = list(departments)
    for i, (path, problem) in enumerate(zip(PATHS, PROBLEMS)):
        enterprise = own if i in (0, 6, 10, 12, 14) else (served[i % len(served)] if i % 3 == 1 else
                                                            others[(i * 7) % len(others)])
        lead = (departments["市工业和信息化局"] if i % 2 == 0 else departments[dept_names[(i * 5) % len(dept_names)]])
        _request(rng, enterprise, problem, path, lead, departments, people, staff, today)


def _when(day, hour):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 30)))


def _request(rng, enterprise, problem, path, lead, departments, people, staff, today):
    status, ago, overdue, escalated, satisfaction, channel = path
    title, category, urgency, content = problem
    received = today - datetime.timedelta(days=ago)
    membership = enterprise.memberships.order_by("pk").first()
    assignment = enterprise.commissioner_assignments.filter(ended_on__isnull=True).first()
    req = Request(enterprise=enterprise, chain=membership.chain if membership else None, category=category,
                  urgency=urgency, channel=channel, title=title, content=content, received_on=received,
                  status=S.SUBMITTED, commissioner=assignment.commissioner if assignment else None)
    office, dept, chief = staff[Role.COORDINATOR], staff[Role.DEPT], staff[Role.CHIEF]
    # The enterprise acts through the demo's enterprise account only for that account's own enterprise; other
    # enterprises' steps are shown under their names.
    ent_user = staff[Role.ENTERPRISE] if enterprise.pk == staff[Role.ENTERPRISE].enterprises.first().pk else None
    ent_user = ent_user or enterprise
    filer = ent_user if channel == Channel.ENTERPRISE else office
    events = [(received, 9, EventAction.SUBMIT, "", S.SUBMITTED, filer, "")]
    day = received

    def step(days, action, to, user, note=""):
        nonlocal day
        day = min(day + datetime.timedelta(days=days), today)
        events.append((day, 10 + len(events) % 7, action, req.status, to, user, note))
        req.status = to

    if status != S.SUBMITTED:
        if status == S.REJECTED:
            req.reject_reason = "该事项属于企业间合同纠纷，不属于政府部门职责范围，建议通过法律途径解决。"
            step(1, EventAction.REJECT, S.REJECTED, office, req.reject_reason)
        else:
            step(0 if ago < 3 else 1, EventAction.ACCEPT, S.ACCEPTED, office)
            req.due_on = deadlines.due_date(req, day)
            if overdue:  # the deadline fell while the request waited
                req.due_on = min(req.due_on, today - datetime.timedelta(days=max(1, ago // 4)))
    if status in (S.ASSIGNED, S.HANDLING, S.REPLIED, S.REVIEWED, S.CLOSED):
        req.department = lead
        step(1, EventAction.ASSIGN, S.ASSIGNED, office, lead.name)
    if escalated and overdue:
        req.escalated_at = _when(req.due_on + datetime.timedelta(days=1), 8)
        events.append((req.due_on + datetime.timedelta(days=1), 8, EventAction.ESCALATE, req.status, req.status,
                       office, "超过办理期限，提请链长督办。"))
        events.append((req.due_on + datetime.timedelta(days=2), 11, EventAction.INSTRUCT, req.status, req.status,
                       chief, "请承办部门三日内拿出解决方案，报链长办。"))
    if status in (S.HANDLING, S.REPLIED, S.REVIEWED, S.CLOSED):
        step(1, EventAction.START, S.HANDLING, dept)
    if satisfaction == "unsatisfied" and status == S.HANDLING:
        step(2, EventAction.REPLY, S.REPLIED, dept, "已与相关银行沟通，建议企业补充抵押物。")
        step(1, EventAction.EVALUATE, S.HANDLING, ent_user, "不满意；补充抵押物难以做到，希望协调信用贷款。")
        req.satisfaction = Satisfaction.UNSATISFIED
    if status in (S.REPLIED, S.REVIEWED, S.CLOSED):
        late = rng.random() < 0.25 and req.due_on is not None
        wait = ((req.due_on - day).days + 2) if late else 1
        req.reply = f"经协调，“{title}”已有解决方案：相关部门已对接企业，按程序办理。"
        step(max(1, wait), EventAction.REPLY, S.REPLIED, dept, req.reply)
        req.replied_on = day
    if status in (S.REVIEWED, S.CLOSED):
        req.satisfaction = satisfaction
        label = dict(Satisfaction.choices)[satisfaction]
        step(1, EventAction.EVALUATE, S.REVIEWED, ent_user, label)
    if status == S.CLOSED:
        step(1, EventAction.CLOSE, S.CLOSED, office)
        req.closed_on = day
    req.created_by = req.updated_by = filer if isinstance(filer, User) else office
    req.save()
    req.version = len(events)
    Request.objects.filter(pk=req.pk).update(version=req.version)
    if status in (S.ASSIGNED, S.HANDLING) and rng.random() < 0.5:
        req.cooperating_departments.set([departments["市发展和改革委员会"]])
    RequestEvent.objects.bulk_create([
        RequestEvent(request=req, time=_when(d, h), action=a, from_status=f, to_status=t,
                     user=u if isinstance(u, User) else None, actor=str(u), note=n)
        for d, h, a, f, t, u, n in sorted(events, key=lambda e: (e[0], e[1]))])
    if status == S.REPLIED and isinstance(ent_user, User):
        Notification.objects.create(user=ent_user, text=f"您的诉求已答复，请评价：{title}", url=f"/requests/{req.pk}/")
    if status == S.ASSIGNED:
        Notification.objects.create(user=dept, text=f"诉求已交办，请办理：{title}", url=f"/requests/{req.pk}/")
