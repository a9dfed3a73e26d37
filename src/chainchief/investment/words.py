"""The words of a Chinese text that count for supply–demand matching: jieba's search-mode cut, stop words and
single characters removed, the maps' key products kept whole. Used when a capability is saved (its stored words)
and by the index (``investment.matching``)."""
import logging
import re

# Words that say nothing about what is bought or made.
STOP_WORDS = frozenset("""
的 了 和 与 及 以及 或 等 等等 在 是 为 对 从 向 把 被 将 由 于 其 之 所 并 且 而 也 都 就 还 又 很 更 最 可 能 会 要
我们 我司 本公司 公司 企业 单位 有限公司 有限 股份 集团 责任 需要 需求 提供 采购 供应 寻找 求购 长期 稳定 合作 欢迎 洽谈 联系
具备 具有 拥有 能力 可以 能够 生产 制造 加工 产品 相关 各类 各种 多种 主要 一批 一些 若干 左右 以上 以下 每年 年产 用于 用途
要求 质量 优质 专业 规模 服务 我方 贵方 希望 计划 预计 进行 实现 满足 包括 方面 问题 情况 工作 项目 其他 有关 相应 一定
""".split())
_KEEP = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
_extra_words = set()


def add_words(words):
    """Teach jieba domain words (a map's key products: 曲轴毛坯, 高压共轨 …) so that they are kept whole."""
    import jieba

    for word in words:
        word = (word or "").strip()
        if len(word) >= 2 and word not in _extra_words:
            jieba.add_word(word)
            _extra_words.add(word)


_domain = {"loaded": False}


def _domain_words():
    """The maps' key products as jieba words, once per process, before the first text is cut (so that a need and
    the capabilities it is matched against are cut alike)."""
    if _domain["loaded"]:
        return
    _domain["loaded"] = True
    from chainchief.maps.models import Segment

    add_words(w for products in Segment.objects.values_list("key_products", flat=True)
              for w in re.split(r"[、,，;；\s]+", products or ""))


def tokens(text):
    """The words of ``text`` that count for matching, in order, repeats kept (BM25 counts them)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)  # not the dictionary's loading messages on every process's first use
    _domain_words()

    out = []
    for word in jieba.lcut_for_search(text or ""):
        word = word.strip().lower()
        if len(word) < 2 or word in STOP_WORDS or not _KEEP.search(word) or word.isdigit():
            continue
        out.append(word)
    return out
