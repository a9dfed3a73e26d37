"""The demo data set: Weifang's chain chief system as the 2021 implementation opinion describes it.

Chains named in the 2021 report (动力装备, 新一代信息技术, 汽车制造 …) are marked as such; the other chains are
drawn from Weifang's later public list and are illustrative (``is_illustrative``), as are every person,
department assignment and enterprise here. No real person's name appears: chiefs are shown by title.
"""
from decimal import Decimal

PROVINCE = ("山东省", "370000")
CITY = ("潍坊市", "370700")
DISTRICTS = [
    ("潍城区", "370702"), ("寒亭区", "370703"), ("坊子区", "370704"), ("奎文区", "370705"),
    ("临朐县", "370724"), ("昌乐县", "370725"), ("青州市", "370781"), ("诸城市", "370782"),
    ("寿光市", "370783"), ("安丘市", "370784"), ("高密市", "370785"), ("昌邑市", "370786"),
]

WORK_MODEL = "八个一"
WORK_MODEL_DESCRIPTION = "潍坊市 2021 年推行的产业链“链长制”工作模式：一名市级领导包靠、一个责任部门跟进等。"
# Each item: name, description, the records that count for it, within how many months (None: any time), and how
# many complete ones make it 已完成 (chains.checklist). Tasks tagged with an item count for it too.
WORK_ITEMS = [
    ("一名市级领导包靠", "由一名市级领导干部担任链长，包靠产业链。", ["leader"], None, 1),
    ("一个责任部门跟进", "落实一个牵头部门，负责日常工作。", ["department"], None, 1),
    ("一次专题调研", "开展产业链专题调研，摸清链条现状。", ["research", "task"], 12, 1),
    ("一张产业链图谱", "精准绘制产业链图谱，标明强链、弱链、缺链环节。", ["map", "task"], None, 1),
    ("一份发展计划", "制定产业发展计划，明确稳链、补链、延链、强链举措。", ["plan", "task"], 12, 1),
    ("一个产业链联盟", "组建产业链联盟，促进上下游协作。", ["alliance", "task"], None, 1),
    ("一套政策引导", "加强产业政策引导，集成支持措施。", ["policy", "task"], None, 1),
    ("一个链间沟通衔接机制", "加强产业链之间的沟通衔接，协调解决跨链问题。", ["meeting", "task"], 6, 1),
]

TIERS = [
    # name, target 亿元, target year
    ("千亿级", Decimal("1000"), 2025),
    ("五百亿级", Decimal("500"), 2025),
]

DEPARTMENTS = [
    # name, short name
    ("市工业和信息化局", "工信局"),
    ("市发展和改革委员会", "发改委"),
    ("市科学技术局", "科技局"),
    ("市商务局", "商务局"),
    ("市农业农村局", "农业农村局"),
    ("市卫生健康委员会", "卫健委"),
    ("市市场监督管理局", "市场监管局"),
    ("市财政局", "财政局"),
    ("市地方金融监督管理局", "金融局"),
    ("市大数据局", "大数据局"),
    ("市生态环境局", "生态环境局"),
    ("市自然资源和规划局", "自然资源局"),
]

# name, short name, tier index, named in the 2021 report?, lead dept, supporting depts, chief title, words
# used to make sample enterprise names
CHAINS = [
    ("动力装备", "动力", 0, True, "市工业和信息化局", ["市科学技术局", "市商务局"], "市长",
     ["动力", "发动机", "传动", "机械", "精工"]),
    ("新一代信息技术", "信息", 0, True, "市大数据局", ["市工业和信息化局", "市科学技术局"], "常务副市长",
     ["电子", "声学", "光电", "微电子", "智能科技"]),
    ("高端化工", "化工", 0, False, "市发展和改革委员会", ["市生态环境局"], "副市长",
     ["化工", "新材料", "精细化学", "石化", "化学"]),
    ("食品加工", "食品", 0, False, "市农业农村局", ["市市场监督管理局"], "副市长",
     ["食品", "粮油", "肉制品", "饮品", "农产品"]),
    ("汽车制造", "汽车", 0, True, "市工业和信息化局", ["市商务局"], "副市长",
     ["汽车", "车桥", "底盘", "汽车零部件", "专用车"]),
    ("生物医药", "医药", 1, True, "市卫生健康委员会", ["市市场监督管理局", "市科学技术局"], "副市长",
     ["生物", "制药", "医疗器械", "药业", "生物技术"]),
    ("纺织服装", "纺织", 1, True, "市商务局", ["市工业和信息化局"], "副市长",
     ["纺织", "服饰", "家纺", "印染", "织造"]),
    ("智能农机", "农机", 1, False, "市农业农村局", ["市工业和信息化局"], "市委常委",
     ["农业装备", "农机", "拖拉机", "收获机械", "智能农业"]),
    ("高端铝材", "铝材", 1, False, "市自然资源和规划局", ["市工业和信息化局"], "市委常委",
     ["铝业", "铝材", "轻合金", "型材", "金属"]),
    ("工业母机", "母机", 1, False, "市科学技术局", ["市工业和信息化局"], "副市长",
     ["数控", "机床", "精密机械", "刀具", "装备"]),
    ("磁技术", "磁", 1, False, "市科学技术局", ["市发展和改革委员会"], "市委常委",
     ["磁电", "磁材", "磁悬浮", "永磁", "电磁"]),
    ("新型储能", "储能", 1, False, "市发展和改革委员会", ["市财政局"], "副市长",
     ["储能", "电池", "新能源", "电力电子", "氢能"]),
    ("造纸包装", "造纸", 1, False, "市生态环境局", ["市商务局"], "副市长",
     ["纸业", "包装", "纸制品", "印务", "浆纸"]),
    ("节能环保", "环保", 1, False, "市生态环境局", ["市发展和改革委员会"], "市政协副主席",
     ["环保", "节能", "环境工程", "水处理", "固废"]),
    ("海洋化工", "海化", 1, False, "市地方金融监督管理局", ["市发展和改革委员会"], "市人大常委会副主任",
     ["海洋化工", "盐化", "溴素", "纯碱", "海洋科技"]),
]

GENERAL_CHIEF_TITLE = "市委书记"

# Syllables for sample enterprise names. Combined at random: e.g. "潍坊恒泰动力有限公司（样例）".
NAME_PARTS = ["华", "鑫", "泰", "恒", "瑞", "宏", "丰", "盛", "达", "源", "诚", "信", "远", "嘉", "正", "博",
              "润", "安", "隆", "昌", "凯", "通", "明", "德", "宇", "新", "航", "振", "兴", "佳"]
OTHER_TRADES = ["建材", "橡胶", "玻璃", "家具", "五金", "塑料", "陶瓷", "电缆", "水泥", "钢构"]
SUFFIXES = ["有限公司", "股份有限公司", "科技有限公司", "集团有限公司"]
PLACE_PREFIXES = ["潍坊", "山东", "潍坊", "潍坊", "山东", ""]

DEMO_PASSWORD = "Demo#2026"

# Chain maps (产业链图谱). Per chain: segments as (stage, name, key products, profile, parent or None). The profile
# says how the loader populates the segment with the chain's sample enterprises, so that the map looks like a real
# city's: "strong" (a chain-master or backbone and several above-scale enterprises), "weak" (a few enterprises,
# without a leader), "small" (one or two small enterprises), "missing" (none). Whether a segment then counts as
# strong, weak or missing is decided by the rule (chains.mapping), not here.
UP, MID, DOWN = "upstream", "midstream", "downstream"
CHAIN_MAPS = {
    "动力装备": [
        (UP, "钢材", "特钢、齿轮钢、曲轴钢", "weak", None),
        (UP, "铸锻件", "缸体、缸盖、曲轴毛坯、连杆", "strong", None),
        (UP, "曲轴", "曲轴、凸轮轴", "strong", None),
        (UP, "喷油系统", "高压共轨系统、喷油器、喷油泵", "weak", None),
        (UP, "涡轮增压", "涡轮增压器、中冷器", "weak", None),
        (UP, "电控", "电控单元、传感器、线束", "missing", None),
        (UP, "电控单元（ECU）", "发动机电控单元", "missing", "电控"),
        (UP, "传感器", "压力传感器、温度传感器、氮氧传感器", "small", "电控"),
        (MID, "柴油机", "重型柴油机、中速柴油机、大缸径发动机", "strong", None),
        (MID, "燃气发动机", "天然气发动机、氢内燃机", "strong", None),
        (MID, "变速器", "AMT 变速器、液力变速箱", "weak", None),
        (MID, "燃料电池", "电堆、燃料电池系统", "small", None),
        (DOWN, "重型卡车", "牵引车、载货车、自卸车", "weak", None),
        (DOWN, "工程机械", "装载机、挖掘机、叉车", "strong", None),
        (DOWN, "农业机械", "拖拉机、收获机械", "strong", None),
        (DOWN, "船舶动力", "船用主机、船用发电机组", "small", None),
        (DOWN, "发电机组", "柴油发电机组、燃气发电机组", "weak", None),
    ],
    "新一代信息技术": [
        (UP, "半导体材料", "碳化硅衬底、外延片", "missing", None),
        (UP, "芯片设计", "MEMS 芯片、传感器芯片", "small", None),
        (UP, "声学器件", "微型扬声器、MEMS 麦克风、受话器", "strong", None),
        (UP, "微型扬声器", "微型扬声器、扬声器模组", "strong", "声学器件"),
        (UP, "MEMS 麦克风", "MEMS 麦克风", "weak", "声学器件"),
        (UP, "光学器件", "光学镜头、衍射光波导、菲涅尔透镜", "strong", None),
        (UP, "半导体激光器", "激光芯片、激光器模块", "weak", None),
        (UP, "Micro LED", "Micro LED 微显示屏", "small", None),
        (UP, "精密结构件", "精密注塑件、金属结构件", "weak", None),
        (MID, "智能穿戴", "TWS 耳机、智能手表、智能眼镜", "strong", None),
        (MID, "VR/AR 整机", "VR 头显、AR 眼镜", "strong", None),
        (MID, "激光显示", "激光投影、激光电视", "weak", None),
        (MID, "工业软件", "嵌入式软件、工业互联网平台", "missing", None),
        (DOWN, "消费电子品牌", "自主品牌终端", "missing", None),
        (DOWN, "汽车电子", "车载声学、激光雷达", "weak", None),
        (DOWN, "数据中心与信息服务", "云服务、数据中心", "small", None),
    ],
    "生物医药": [
        (UP, "原料药/中间体", "抗生素原料药、维生素、医药中间体", "strong", None),
        (UP, "辅料", "药用淀粉、胶囊、药用辅料", "weak", None),
        (UP, "包材", "药用玻璃、铝塑包材", "small", None),
        (MID, "化学药", "仿制药、制剂", "strong", None),
        (MID, "中药", "中药饮片、中成药", "weak", None),
        (MID, "生物制品", "疫苗、单抗、酶制剂", "weak", None),
        (MID, "医疗器械", "医用耗材、体外诊断、康复器械", "strong", None),
        (MID, "CXO", "研发外包、生产外包", "missing", None),
        (DOWN, "流通", "医药批发、医药物流", "weak", None),
        (DOWN, "医院", "医疗服务", "small", None),
        (DOWN, "零售", "连锁药店", "weak", None),
    ],
    "高端化工": [
        (UP, "原油加工", "常减压、催化裂化", "strong", None),
        (UP, "基础化工原料", "烯烃、芳烃、氯碱", "strong", None),
        (UP, "煤化工", "甲醇、合成氨", "small", None),
        (MID, "精细化学品", "助剂、染料、表面活性剂", "weak", None),
        (MID, "化工新材料", "工程塑料、特种橡胶", "weak", None),
        (MID, "农药", "原药、制剂", "strong", None),
        (MID, "电子化学品", "湿电子化学品、光刻胶", "missing", None),
        (DOWN, "涂料", "工业涂料、建筑涂料", "weak", None),
        (DOWN, "医药中间体", "医药中间体", "small", None),
        (DOWN, "新能源材料", "电解液溶剂、锂盐", "missing", None),
    ],
    "食品加工": [
        (UP, "粮食种植", "小麦、玉米", "weak", None),
        (UP, "畜禽养殖", "肉鸡、生猪", "strong", None),
        (UP, "蔬菜基地", "寿光蔬菜、种苗", "strong", None),
        (MID, "肉制品加工", "鸡肉制品、调理肉", "strong", None),
        (MID, "粮油加工", "面粉、食用油", "weak", None),
        (MID, "饮料乳品", "乳制品、饮料", "small", None),
        (MID, "预制菜", "中央厨房、速冻食品", "weak", None),
        (MID, "食品添加剂", "调味料、功能配料", "missing", None),
        (DOWN, "冷链物流", "冷库、冷链运输", "weak", None),
        (DOWN, "商超电商", "商超、电商渠道", "small", None),
    ],
    "汽车制造": [
        (UP, "钢材与铝材", "汽车板、铝合金型材", "weak", None),
        (UP, "汽车电子", "车载控制器、传感器", "missing", None),
        (UP, "车桥底盘", "车桥、悬架、制动器", "strong", None),
        (UP, "轮胎", "卡车轮胎、乘用车轮胎", "small", None),
        (MID, "发动机", "商用车发动机", "strong", None),
        (MID, "变速器", "手动变速器、AMT", "weak", None),
        (MID, "整车制造", "重型卡车、轻型商用车", "strong", None),
        (MID, "动力电池", "电芯、电池包", "missing", None),
        (DOWN, "专用车", "环卫车、冷藏车、工程车", "strong", None),
        (DOWN, "销售与后市场", "经销、维修、二手车", "weak", None),
    ],
    "纺织服装": [
        (UP, "棉花与纤维", "棉花、再生纤维", "weak", None),
        (UP, "化纤", "涤纶、锦纶", "small", None),
        (UP, "纺纱", "棉纱、混纺纱", "strong", None),
        (MID, "织造", "坯布、针织布", "strong", None),
        (MID, "印染", "染色、印花、后整理", "weak", None),
        (MID, "家纺", "床品、毛巾", "strong", None),
        (MID, "服装", "职业装、休闲装", "weak", None),
        (DOWN, "品牌营销", "自主品牌、电商", "missing", None),
        (DOWN, "产业用纺织品", "土工布、过滤材料", "small", None),
    ],
    "智能农机": [
        (UP, "动力总成", "农用柴油机、传动系统", "strong", None),
        (UP, "液压件", "液压泵、液压阀", "weak", None),
        (UP, "智能控制系统", "自动驾驶、作业监测终端", "missing", None),
        (UP, "钢材与铸件", "钢板、铸件", "weak", None),
        (MID, "农业机械", "拖拉机、收获机械、植保机械", "strong", None),
        (MID, "拖拉机", "大马力拖拉机", "strong", "农业机械"),
        (MID, "收获机械", "小麦、玉米收获机", "weak", "农业机械"),
        (MID, "植保机械", "植保无人机、喷雾机", "small", "农业机械"),
        (MID, "农机具", "耕整地机具、播种机", "weak", None),
        (DOWN, "农机服务", "农机社会化服务", "weak", None),
        (DOWN, "智慧农业", "数字农场、农业物联网", "missing", None),
    ],
    "高端铝材": [
        (UP, "氧化铝", "冶金级氧化铝", "weak", None),
        (UP, "电解铝", "原铝、铝液", "strong", None),
        (UP, "再生铝", "再生铝锭", "small", None),
        (MID, "铝型材", "建筑型材、工业型材", "strong", None),
        (MID, "铝板带箔", "铝板、铝箔", "weak", None),
        (MID, "铝合金铸件", "压铸件、轮毂", "weak", None),
        (MID, "铝基新材料", "高强铝合金、铝基复合材料", "missing", None),
        (DOWN, "建筑门窗", "系统门窗、幕墙", "strong", None),
        (DOWN, "汽车轻量化", "车身结构件、电池托盘", "weak", None),
        (DOWN, "轨道交通", "车体型材", "missing", None),
    ],
    "工业母机": [
        (UP, "数控系统", "数控系统、伺服驱动", "missing", None),
        (UP, "主轴与丝杠", "电主轴、滚珠丝杠", "small", None),
        (UP, "铸件", "床身铸件", "weak", None),
        (UP, "功能部件", "刀库、转台", "weak", None),
        (MID, "数控车床", "数控车床、车削中心", "strong", None),
        (MID, "加工中心", "立式、卧式加工中心", "weak", None),
        (MID, "特种加工机床", "激光切割机、电火花机床", "small", None),
        (MID, "刀具量具", "硬质合金刀具、量具", "strong", None),
        (DOWN, "零部件加工", "汽车零部件、发动机零件加工", "weak", None),
        (DOWN, "维修与再制造", "机床维修、再制造", "small", None),
    ],
    "磁技术": [
        (UP, "稀土永磁材料", "钕铁硼", "weak", None),
        (UP, "磁性材料", "铁氧体、软磁材料", "strong", None),
        (UP, "电磁线", "漆包线", "small", None),
        (MID, "磁选设备", "磁选机、除铁器", "strong", None),
        (MID, "磁悬浮装备", "磁悬浮鼓风机、磁悬浮离心机", "strong", None),
        (MID, "永磁电机", "永磁同步电机", "weak", None),
        (MID, "磁共振设备", "医用磁共振", "missing", None),
        (DOWN, "矿山冶金应用", "选矿、冶金", "weak", None),
        (DOWN, "节能环保应用", "污水处理、鼓风", "weak", None),
        (DOWN, "医疗应用", "磁疗、影像", "small", None),
    ],
    "新型储能": [
        (UP, "正负极材料", "磷酸铁锂、石墨负极", "weak", None),
        (UP, "电解液", "电解液、锂盐", "small", None),
        (UP, "隔膜", "湿法隔膜", "missing", None),
        (UP, "氢能制备", "电解槽、储氢瓶", "weak", None),
        (MID, "储能电池", "储能电芯、电池模组", "strong", None),
        (MID, "储能变流器", "PCS、逆变器", "weak", None),
        (MID, "电池管理系统", "BMS、EMS", "missing", None),
        (MID, "燃料电池", "燃料电池系统", "weak", None),
        (DOWN, "电网侧储能", "共享储能电站", "weak", None),
        (DOWN, "工商业储能", "用户侧储能", "strong", None),
        (DOWN, "回收利用", "梯次利用、材料回收", "missing", None),
    ],
    "造纸包装": [
        (UP, "木浆", "化学浆、机械浆", "small", None),
        (UP, "废纸回收", "回收纤维", "weak", None),
        (UP, "化学助剂", "施胶剂、增强剂", "weak", None),
        (MID, "文化用纸", "胶版纸、铜版纸", "strong", None),
        (MID, "包装纸板", "箱板纸、瓦楞纸", "strong", None),
        (MID, "特种纸", "装饰原纸、医用纸", "weak", None),
        (MID, "生活用纸", "卫生纸、面巾纸", "weak", None),
        (DOWN, "纸包装制品", "纸箱、纸盒", "strong", None),
        (DOWN, "印刷", "包装印刷", "weak", None),
        (DOWN, "绿色包装", "可降解包装、纸基替塑", "missing", None),
    ],
    "节能环保": [
        (UP, "环保材料", "滤料、吸附材料", "weak", None),
        (UP, "膜材料", "超滤膜、反渗透膜", "small", None),
        (MID, "节能装备", "高效风机、余热锅炉", "strong", None),
        (MID, "水处理设备", "污水处理成套设备", "strong", None),
        (MID, "大气治理设备", "除尘、脱硫脱硝", "weak", None),
        (MID, "固废处理装备", "焚烧、破碎分选", "weak", None),
        (MID, "环境监测仪器", "在线监测仪", "missing", None),
        (DOWN, "环境工程服务", "环保工程总包", "weak", None),
        (DOWN, "合同能源管理", "节能服务", "small", None),
        (DOWN, "资源循环利用", "再生资源、工业固废利用", "strong", None),
    ],
    "海洋化工": [
        (UP, "卤水资源", "地下卤水、海水", "strong", None),
        (UP, "原盐", "工业盐", "strong", None),
        (MID, "纯碱", "轻质纯碱、重质纯碱", "strong", None),
        (MID, "溴素", "溴素、溴化物", "weak", None),
        (MID, "氯碱", "烧碱、聚氯乙烯", "weak", None),
        (MID, "镁系产品", "氢氧化镁、氧化镁", "small", None),
        (MID, "海洋药物", "海洋生物医药", "missing", None),
        (DOWN, "阻燃材料", "溴系阻燃剂", "weak", None),
        (DOWN, "玻璃与建材", "玻璃、建材", "weak", None),
        (DOWN, "精细化学品", "医药农药中间体", "small", None),
    ],
}

# Key technologies (关键产品技术攻关): chain, segment, name, status, whose (an enterprise role of the chain whose
# first such enterprise holds it, or None), external party.
KEY_TECHNOLOGIES = [
    ("动力装备", "电控单元（ECU）", "大功率发动机电控单元国产化", "in_progress", None, "拟引进电控企业、合作高校"),
    ("动力装备", "喷油系统", "2500 bar 高压共轨喷油系统", "in_progress", "backbone", ""),
    ("动力装备", "燃料电池", "大功率燃料电池电堆", "planned", "master", ""),
    ("动力装备", "柴油机", "高效柴油机热效率提升（≥ 53%）", "breakthrough", "master", ""),
    ("新一代信息技术", "Micro LED", "Micro LED 微显示芯片", "planned", None, "拟引进微显示企业"),
    ("新一代信息技术", "光学器件", "衍射光波导镜片量产", "in_progress", "master", ""),
    ("新一代信息技术", "半导体材料", "碳化硅衬底材料", "planned", None, "招引目标：衬底材料企业"),
    ("生物医药", "CXO", "临床前研发外包服务平台", "planned", None, "招引目标：研发外包机构"),
    ("生物医药", "生物制品", "单克隆抗体中试平台", "in_progress", "backbone", ""),
    ("工业母机", "数控系统", "高档五轴数控系统", "planned", None, "合作单位：数控系统研究院所"),
    ("新型储能", "隔膜", "湿法锂电隔膜", "planned", None, "招引目标：隔膜企业"),
    ("智能农机", "智能控制系统", "农机自动驾驶与作业监测系统", "in_progress", "backbone", ""),
    ("高端化工", "电子化学品", "高纯湿电子化学品", "planned", None, "招引目标：电子化学品企业"),
]

# Cross-chain links: (chain, segment) → (chain, segment), kind, note.
SEGMENT_LINKS = [
    (("动力装备", "柴油机"), ("智能农机", "农业机械"), "supplies", "农用柴油机为拖拉机、收获机械配套"),
    (("动力装备", "农业机械"), ("智能农机", "农业机械"), "same", "同一环节，两条链协同推进"),
    (("动力装备", "柴油机"), ("汽车制造", "整车制造"), "supplies", "重型柴油机为重型卡车配套"),
    (("动力装备", "重型卡车"), ("汽车制造", "整车制造"), "same", "重型卡车整车"),
    (("动力装备", "柴油机"), ("汽车制造", "发动机"), "same", "商用车发动机"),
    (("动力装备", "变速器"), ("汽车制造", "变速器"), "same", "商用车变速器"),
    (("动力装备", "燃料电池"), ("新型储能", "燃料电池"), "same", "燃料电池系统"),
    (("高端铝材", "汽车轻量化"), ("汽车制造", "整车制造"), "supplies", "车身结构件、电池托盘"),
    (("新一代信息技术", "汽车电子"), ("汽车制造", "汽车电子"), "supplies", "车载声学、激光雷达"),
    (("海洋化工", "溴素"), ("高端化工", "精细化学品"), "supplies", "溴素作为精细化工原料"),
    (("高端化工", "医药中间体"), ("生物医药", "原料药/中间体"), "supplies", "医药中间体供原料药生产"),
    (("工业母机", "数控车床"), ("动力装备", "曲轴"), "supplies", "曲轴加工装备"),
    (("磁技术", "磁悬浮装备"), ("节能环保", "节能装备"), "supplies", "磁悬浮鼓风机用于污水处理节能"),
    (("造纸包装", "纸包装制品"), ("食品加工", "商超电商"), "supplies", "食品包装"),
]

# ---------------------------------------------------------------------------------------------------------------
# The work ledger (工作台账): plans, tasks, meetings, research, alliances, policies and key projects. Dates are
# given as days from the day the demo is loaded (negative: before it), so that "overdue", "behind schedule" and
# "planned" stay true whenever it is loaded. Every name, number and amount is illustrative.

# Staff of the lead departments, the responsible persons (责任人) of tasks: (department, name, title).
LEDGER_PEOPLE = [
    ("市工业和信息化局", "刘晓东", "产业链工作专班负责人"),
    ("市工业和信息化局", "孙丽", "装备工业科科长"),
    ("市大数据局", "陈静", "产业链工作专班负责人"),
    ("市发展和改革委员会", "赵磊", "产业链工作专班负责人"),
    ("市农业农村局", "周涛", "产业链工作专班负责人"),
    ("市卫生健康委员会", "吴芳", "产业链工作专班负责人"),
    ("市商务局", "郑伟", "产业链工作专班负责人"),
    ("市自然资源和规划局", "冯军", "产业链工作专班负责人"),
    ("市科学技术局", "何敏", "产业链工作专班负责人"),
    ("市生态环境局", "马超", "产业链工作专班负责人"),
    ("市地方金融监督管理局", "高洁", "产业链工作专班负责人"),
]

# A chain's development plan for the year: goals in the four kinds of action. {chain} is the chain's name;
# chains named here get their own wording, the others the general one.
PLAN_GOALS = {
    "动力装备": ("稳链：稳住重型柴油机、中速柴油机龙头地位，链主企业产能利用率保持在 85% 以上。\n"
             "补链：围绕电控单元（ECU）、高压共轨喷油系统等缺链弱链环节，引进配套企业 3 家以上。\n"
             "延链：向燃料电池、氢内燃机和船舶动力延伸，新上延链项目 2 个。\n"
             "强链：支持链主企业建设国家级创新平台，本地配套率提高 5 个百分点。"),
    "新一代信息技术": ("稳链：稳定声学、光学器件订单和产能，骨干企业营业收入保持两位数增长。\n"
                "补链：招引半导体材料、Micro LED 微显示企业，补齐上游芯片与材料环节。\n"
                "延链：从智能穿戴整机向 VR/AR 内容与汽车电子延伸。\n"
                "强链：建设虚拟现实产业园，培育专精特新“小巨人”企业 2 家。"),
    "汽车制造": ("稳链：稳定整车和车桥底盘产销，保障关键零部件供应。\n"
             "补链：补齐动力电池、汽车电子环节，引进电池 PACK 项目 1 个。\n"
             "延链：向专用车、新能源商用车延伸。\n"
             "强链：推动整车企业与本地零部件企业配套对接，本地配套率提高 3 个百分点。"),
    "生物医药": ("稳链：保障原料药、化学药龙头企业稳定生产和出口。\n"
             "补链：招引研发外包（CXO）机构，补齐缺链环节。\n"
             "延链：向生物制品、高端制剂和医疗器械延伸。\n"
             "强链：支持企业开展一致性评价和创新药研发，新增药品批文 10 个以上。"),
    "纺织服装": ("稳链：稳住纺纱、织造产能，帮助企业稳订单、稳用工。\n"
             "补链：补强印染环节，推进印染企业入园集聚。\n"
             "延链：向家纺品牌和产业用纺织品延伸。\n"
             "强链：推进智能化改造和数字化转型，培育自主品牌 3 个。"),
}
PLAN_GOALS_GENERAL = ("稳链：稳住{chain}产业链链主和骨干企业生产经营，规上企业营业收入稳定增长。\n"
                      "补链：对照产业链图谱的缺链、弱链环节，精准招引配套企业和项目。\n"
                      "延链：向产业链下游高附加值环节延伸，谋划延链项目。\n"
                      "强链：支持龙头企业技术创新和智能化改造，提高本地配套率。")

# Tasks of every chain's plan: (title, description, work-model item (a word of its name), days until due,
# final status, progress reports as (days ago, text, status after)). A task due in the past and not done is
# overdue.
PLAN_TASKS = [
    ("走访链主和骨干企业，形成问题清单", "对链主企业和龙头骨干企业逐户走访，梳理生产经营中的困难和问题，形成问题清单报链长办。",
     "专题调研", -45, "done",
     [(70, "已走访链主企业和骨干企业 4 家，收集问题 9 条。", "in_progress"),
      (48, "问题清单已形成并报链长办，其中 6 条已交有关部门办理。", "done")]),
    ("更新产业链图谱，标注强链、弱链、缺链环节", "结合企业走访和统计数据，更新产业链图谱，逐环节标注强链、弱链、缺链。",
     "产业链图谱", 40, "in_progress",
     [(12, "已完成上游、中游环节梳理，下游环节正在核实。", "in_progress")]),
    ("梳理补链招商目标企业清单", "针对缺链、弱链环节，梳理国内外目标企业，形成补链招商清单。",
     "发展计划", -12, "in_progress",
     [(30, "已梳理目标企业 15 家，正在与商务部门对接核实。", "in_progress")]),
    ("研究制定延链强链专项支持政策", "研究延链、强链项目在用地、资金、人才方面的支持措施，形成政策草案。",
     "政策引导", 75, "not_started", []),
    ("组织产业链上下游产需对接活动", "组织链主企业与本地配套企业开展产需对接，提高本地配套率。",
     "产业链联盟", -6, "not_started", []),
    ("建立与相关产业链的沟通衔接机制", "与上下游相关产业链建立定期会商机制，协调解决跨链问题。",
     "沟通衔接", -20, "done",
     [(25, "已与相关产业链牵头部门召开会商会，明确联络人和会商频次。", "done")]),
]

# Coordination meetings: (chain or None for the city-wide meeting, title, days from today, place, minutes,
# decisions as (chain, text, department or None for the chain's lead, days from today until due, final status,
# progress reports as above)). A meeting in the future is planned, with no minutes and no decisions yet.
MEETINGS = [
    (None, "全市重点产业链“链长制”工作推进会", -70, "市政府第一会议室",
     "会议听取了 15 条重点产业链牵头部门的工作汇报，分析了产业链运行中的突出问题，部署了下一阶段稳链、补链、延链、"
     "强链重点工作。会议要求各链长单位对照发展计划，逐项抓好落实。",
     [("动力装备", "统筹解决动力装备产业链重点项目建设用地指标", "市自然资源和规划局", -10, "in_progress",
       [(30, "已梳理重点项目用地需求 3 宗、约 260 亩，正在办理农转用手续。", "in_progress")]),
      ("新一代信息技术", "推进虚拟现实产业园规划建设", None, -25, "done",
       [(40, "产业园规划方案已编制完成。", "in_progress"), (28, "规划方案经市政府常务会议审议通过。", "done")]),
      ("汽车制造", "组织整车企业与本地零部件企业配套对接", None, 20, "in_progress",
       [(15, "已组织首场对接会，达成配套意向 12 项。", "in_progress")])]),
    ("动力装备", "动力装备产业链调度会", -35, "市工业和信息化局会议室",
     "链长主持召开动力装备产业链调度会，听取了上次会议议定事项落实情况和重点项目进展汇报，研究了关键零部件配套、"
     "企业融资等问题。",
     [("动力装备", "协调金融机构为链上配套企业开展供应链融资", "市地方金融监督管理局", -5, "not_started", []),
      ("动力装备", "推动高压共轨喷油系统联合攻关项目立项", "市科学技术局", 45, "in_progress",
       [(10, "已组织链主企业与高校对接，攻关方案正在论证。", "in_progress")]),
      ("动力装备", "建立重点项目周调度制度", None, -15, "done",
       [(20, "周调度制度已印发执行。", "done")])]),
    ("新一代信息技术", "新一代信息技术产业链调度会", -18, "市大数据局会议室",
     "会议研究了声学光学企业用工、Micro LED 项目招引等事项。",
     [("新一代信息技术", "对接职业院校开展电子信息技工订单式培养", "市工业和信息化局", 30, "not_started", []),
      ("新一代信息技术", "加快 Micro LED 微显示项目签约落地", None, -3, "in_progress",
       [(8, "项目合作协议文本已基本商定。", "in_progress")])]),
    ("生物医药", "生物医药产业链调度会", -100, "市卫生健康委员会会议室",
     "会议研究了原料药企业环保改造和 CXO 机构招引事项。",
     [("生物医药", "协调原料药企业环保提标改造项目审批", "市生态环境局", -60, "done",
       [(65, "环评批复已下达。", "done")])]),
    ("动力装备", "动力装备产业链调度会（下次）", 14, "市工业和信息化局会议室", "", []),
]

# Topical research: (chain, title, kind, days ago, summary, findings as (text, enterprise role or None,
# what it becomes: "task", "request:<category>" or None)). The enterprises visited are the chain's leading members.
RESEARCH = [
    ("动力装备", "动力装备产业链关键零部件本地配套情况专题调研", "visit", 50,
     "调研组走访了链主企业和 4 家骨干、配套企业，重点了解电控、喷油系统等关键零部件的本地配套和技术攻关情况。",
     [("高压共轨喷油系统、电控单元本地配套率不足 10%，主要从外地采购，供应链风险较大。", None, "task"),
      ("配套企业二期扩产项目缺少约 30 亩建设用地指标，影响年内开工。", "backbone", "request:land"),
      ("部分配套企业数控、焊接技工缺口较大。", "supporting", None)]),
    ("新一代信息技术", "声学光学产业人才需求座谈会", "forum", 30,
     "邀请链主企业和 6 家骨干企业人力资源负责人座谈，了解研发和技能人才需求。",
     [("光学设计、声学算法等研发人才引进难，企业希望加大人才政策支持。", None, None),
      ("骨干企业反映人才公寓房源不足。", "backbone", None)]),
    ("生物医药", "生物医药产业链研发外包（CXO）缺链环节调研报告", "report", 120,
     "对照先进地区梳理了研发外包、生产外包机构的布局和招引条件，形成调研报告。",
     [("本市尚无临床前研发外包机构，企业研发外包均在外地完成。", None, None)]),
]

# Chain alliances: (chain, name, founded, description, members as (kind, enterprise role or None, name, role),
# activities as (days ago or None for the founding day, title, summary)). The founding date is fixed; members with
# a role of the chain are its first such enterprises.
ALLIANCES = [
    ("动力装备", "潍坊市动力装备产业链联盟", "2021-08-18",
     "由链主企业牵头，联合上下游企业、高校和科研院所组建，推动产需对接、联合攻关和人才培养。",
     [("enterprise", "master", "", "理事长单位"), ("enterprise", "backbone", "", "副理事长单位"),
      ("enterprise", "backbone", "", "副理事长单位"), ("enterprise", "supporting", "", "成员单位"),
      ("enterprise", "supporting", "", "成员单位"), ("university", None, "山东大学", "副理事长单位"),
      ("university", None, "潍坊学院", "成员单位"), ("institute", None, "中国汽车技术研究中心", "成员单位"),
      ("institute", None, "山东省机械设计研究院", "成员单位"), ("other", None, "潍坊市内燃机行业协会", "秘书处单位"),
      ("other", None, "潍坊市金融控股集团", "成员单位")],
     [(None, "联盟成立大会暨第一届理事会第一次会议", "审议通过联盟章程，选举理事长、副理事长单位。"),
      (45, "动力装备产业链上下游产需对接会", "链主企业发布配套需求 36 项，达成合作意向 11 项。"),
      (12, "高压共轨喷油系统联合攻关签约", "链主企业与山东大学、配套企业签订联合攻关协议。")]),
    ("生物医药", "潍坊市生物医药产业链联盟", "2022-03-26",
     "由龙头企业牵头，联合医药企业、医学院校、科研院所和医疗机构组建，推进产学研医协同。",
     [("enterprise", "master", "", "理事长单位"), ("enterprise", "backbone", "", "副理事长单位"),
      ("enterprise", "supporting", "", "成员单位"), ("university", None, "潍坊医学院", "副理事长单位"),
      ("university", None, "山东第一医科大学", "成员单位"), ("institute", None, "山东省医药工业研究所", "成员单位"),
      ("other", None, "潍坊市医药行业协会", "秘书处单位")],
     [(200, "生物医药产学研合作对接会", "发布技术需求 18 项、科研成果 25 项。"),
      (20, "药品一致性评价政策解读会", "邀请专家解读一致性评价政策，40 余家企业参加。")]),
]

# Policies: (title, issuer, number, issued on, chains (empty: every chain), summary, benefits as (chain, enterprise
# role, index among those, year offset from this year, amount 万元, note)).
POLICIES = [
    ("关于推行产业链“链长制”加快制造业高质量发展的实施意见", "中共潍坊市委、潍坊市人民政府", "潍发〔2021〕5号",
     "2021-03-15", [],
     "明确 15 条重点产业链和链长、牵头部门，建立“八个一”工作推进机制。（示意，文号为演示用）", []),
    ("潍坊市支持动力装备产业高质量发展的若干政策", "潍坊市人民政府", "潍政发〔2021〕12号", "2021-06-08",
     ["动力装备", "汽车制造"],
     "对动力装备、汽车制造产业链企业技术改造、首台套装备、关键零部件研发给予奖补。（示意）",
     [("动力装备", "master", 0, -1, "500.00", "首台（套）重大技术装备奖励"),
      ("动力装备", "backbone", 0, -1, "120.50", "技术改造设备投资补助"),
      ("动力装备", "backbone", 1, 0, "86.00", "关键零部件研发补助"),
      ("汽车制造", "master", 0, 0, "200.00", "技术改造设备投资补助")]),
    ("潍坊市促进生物医药产业创新发展若干措施", "潍坊市人民政府办公室", "潍政办发〔2022〕8号", "2022-04-20",
     ["生物医药"],
     "支持创新药、改良型新药研发和一致性评价，鼓励引进研发外包机构。（示意）",
     [("生物医药", "master", 0, -1, "300.00", "仿制药一致性评价奖励"),
      ("生物医药", "backbone", 0, 0, "50.00", "新药临床试验补助")]),
    ("潍坊市工业企业技术改造专项资金管理办法", "潍坊市工业和信息化局、潍坊市财政局", "潍工信发〔2023〕15号",
     "2023-02-10", [],
     "规范技术改造专项资金的申报、评审、拨付和绩效评价。（示意）",
     [("纺织服装", "backbone", 0, 0, "65.80", "智能化改造项目补助"),
      ("新一代信息技术", "backbone", 0, 0, "150.00", "数字化车间奖励")]),
]

# Key projects: (chain, enterprise role, index among those, segment, name, kind, total 万元, annual plan 万元,
# stage, plan year offset, how it runs). "on_track": completed close to the time-proportional plan; "slow":
# completed far below it; "late_start": still preparing though its planned start has passed; "late_finish": still
# building though its planned finish has passed; "done": completed or operating; "reserve": a project of next
# year's plan.
KEY_PROJECTS = [
    ("动力装备", "master", 0, "柴油机", "大缸径高速发动机智能工厂建设项目", "new", "120000", "40000", "building", 0,
     "on_track"),
    ("动力装备", "backbone", 0, "燃料电池", "氢燃料电池发动机产业化项目", "new", "36000", "15000", "preparing", 0,
     "late_start"),
    ("汽车制造", "backbone", 0, "专用车", "新能源专用车底盘扩能项目", "expansion", "28000", "12000", "building", 0,
     "late_finish"),
    ("新一代信息技术", "master", 0, "光学器件", "VR/AR 光学模组技术改造项目", "upgrade", "30000", "12000",
     "completed", 0, "done"),
    ("生物医药", "master", 0, "化学药", "高端制剂国际化生产线项目", "new", "45000", "8000", "operating", 0, "done"),
    ("高端化工", "master", 0, "化工新材料", "高性能聚合物新材料项目", "new", "80000", "30000", "building", 0,
     "on_track"),
    ("纺织服装", "backbone", 0, "印染", "智能化印染生产线技术改造项目", "upgrade", "9000", "6000", "building", 0,
     "slow"),
    ("新型储能", "backbone", 0, "储能电池", "储能电池 PACK 扩产项目", "expansion", "25000", "10000", "preparing", 1,
     "reserve"),
]
