"""Supply–demand matching (供需对接): a buyer's need against the suppliers' capabilities.

Texts are cut into words with jieba (search mode, so that 复合绝缘子 also yields 绝缘子 and 绝缘), stop words and
single characters removed; capabilities are ranked by BM25 (Okapi, the parameters and IDF of rank_bm25's
``BM25Okapi``) and each match carries the words it shares with the need.

The index over every open capability is built once per process and refreshed when capabilities change: a
cheap fingerprint (count, latest change, highest id) is read before each search, only the changed rows are cut
again, and the BM25 statistics are recomputed from the kept word lists. Scores are computed from postings (for
each word, the capabilities holding it and how often), so a search touches only the capabilities that share a
word with the need — the same scores ``BM25Okapi.get_scores`` gives, without a pass over every document.
"""
import threading

import numpy as np

from chainchief.core.permissions import VIEW
from chainchief.investment.words import STOP_WORDS, add_words, tokens  # noqa: F401  (the module's own words)

_lock = threading.Lock()


class Index:
    """BM25 over documents given as word lists, with postings for scoring only the documents that share a word."""

    def __init__(self, ids, docs, k1=1.5, b=0.75, epsilon=0.25):
        from rank_bm25 import BM25Okapi

        self.ids = list(ids)
        self.docs = [list(d) for d in docs]
        self.k1, self.b = k1, b
        self.position = {pk: i for i, pk in enumerate(self.ids)}
        if not self.docs:
            self.idf, self.postings, self.doc_len, self.avgdl = {}, {}, np.zeros(0), 0.0
            return
        # rank_bm25 divides by zero for documents without a word: give those one placeholder word.
        bm25 = BM25Okapi([d or ["\0"] for d in self.docs], k1=k1, b=b, epsilon=epsilon)
        self.idf, self.avgdl = bm25.idf, bm25.avgdl
        self.doc_len = np.asarray(bm25.doc_len, dtype=np.float64)
        postings = {}
        for i, freqs in enumerate(bm25.doc_freqs):
            for word, f in freqs.items():
                postings.setdefault(word, ([], []))
                postings[word][0].append(i)
                postings[word][1].append(f)
        self.postings = {w: (np.asarray(ix, dtype=np.int64), np.asarray(fs, dtype=np.float64))
                         for w, (ix, fs) in postings.items()}
        self._norm = k1 * (1 - b + b * self.doc_len / self.avgdl)

    def __len__(self):
        return len(self.ids)

    def scores(self, query):
        """{document position: BM25 score} of every document sharing a word with ``query`` (a word list)."""
        total = np.zeros(len(self.ids))
        touched = []
        for word in query:
            posting = self.postings.get(word)
            if posting is None:
                continue
            ix, f = posting
            total[ix] += self.idf.get(word, 0.0) * f * (self.k1 + 1) / (f + self._norm[ix])
            touched.append(ix)
        if not touched:
            return {}
        hit = np.unique(np.concatenate(touched))
        return dict(zip(hit.tolist(), total[hit].tolist()))

    def top(self, query, k=10, exclude=None, accept=None):
        """[(id, score, shared words)] of the best ``k`` documents, best first; ``exclude(id)`` drops a document,
        ``accept(ids)`` (the permission filter, asked in batches) keeps the visible ones."""
        scored = self.scores(query)
        order = sorted(scored.items(), key=lambda kv: (-kv[1], self.ids[kv[0]]))
        words = set(query)
        out, start, batch = [], 0, max(50, 3 * k)
        while start < len(order) and len(out) < k:
            chunk = [(self.ids[i], s, i) for i, s in order[start:start + batch]
                     if s > 0 and not (exclude and exclude(self.ids[i]))]
            start += batch
            visible = accept([c[0] for c in chunk]) if accept else None
            for pk, s, i in chunk:
                if visible is not None and pk not in visible:
                    continue
                shared = [w for w in dict.fromkeys(self.docs[i]) if w in words]
                out.append((pk, s, shared))
                if len(out) == k:
                    break
        return out


class CapabilityIndex:
    """The process's index of open capabilities, refreshed when the table changes: a save or delete in this process
    marks its row (``investment.signals``), and the table's fingerprint catches those of other processes."""

    def __init__(self):
        self.fingerprint = None
        self.words = {}  # open capability id → (its enterprise id, its word list)
        self.known = set()  # every capability id read, open or not
        self.seen_at = None
        self.pending = set()  # ids saved or deleted in this process since the last refresh
        self.index = Index([], [])
        self.builds = 0  # rebuilds, for the tests and the benchmark

    @staticmethod
    def _fingerprint():
        from django.db.models import Count, Max

        from chainchief.investment.models import Capability

        row = Capability.objects.aggregate(n=Count("id"), at=Max("updated_at"), top=Max("id"))
        return row["n"], row["at"], row["top"]

    def _read(self, qs):
        from chainchief.investment.models import PostStatus

        for pk, ent, status, title, text, terms in qs.values_list(
                "pk", "enterprise_id", "status", "title", "text", "terms").iterator(chunk_size=5000):
            self.known.add(pk)
            if status == PostStatus.OPEN:
                # The words kept with the row when it was saved; cut again only for rows written around save().
                self.words[pk] = (ent, terms.split() if terms else tokens(f"{title}\n{text}"))
            else:
                self.words.pop(pk, None)

    def refresh(self):
        from django.db.models import Q

        from chainchief.investment.models import Capability

        fingerprint = self._fingerprint()
        if fingerprint == self.fingerprint and not self.pending:
            return self
        with _lock:
            pending, self.pending = self.pending, set()
            if self.seen_at is not None:
                for pk in pending:  # deleted ones are not read again
                    self.words.pop(pk, None)
                    self.known.discard(pk)
                self._read(Capability.objects.filter(Q(updated_at__gt=self.seen_at) | Q(pk__in=pending)))
            if self.seen_at is None or len(self.known) != fingerprint[0]:
                self.words, self.known = {}, set()  # first build, or rows went missing: read everything
                self._read(Capability.objects.all())
            ids = sorted(self.words)
            self.index = Index(ids, [self.words[pk][1] for pk in ids])
            self.fingerprint, self.seen_at = fingerprint, fingerprint[1]
            self.builds += 1
        return self

    def enterprise_of(self, pk):
        return self.words[pk][0]

    def reset(self):
        self.__init__()


capabilities = CapabilityIndex()


def match(user, need, k=10):
    """The capabilities best matching ``need`` that ``user`` may see, best first: [{capability, score, terms,
    rank}] — each with the words it shares with the need. The need's own enterprise is left out."""
    from chainchief.investment.models import Capability

    index = capabilities.refresh()
    query = tokens(need.document)
    visible_qs = Capability.objects.restrict(user, VIEW)

    def accept(ids):
        return set(visible_qs.filter(pk__in=ids).values_list("pk", flat=True))

    own = need.enterprise_id
    found = index.index.top(query, k=k, exclude=lambda pk: index.enterprise_of(pk) == own, accept=accept)
    rows = {c.pk: c for c in Capability.objects.filter(pk__in=[pk for pk, *_ in found]).select_related("enterprise")}
    return [{"capability": rows[pk], "score": round(score, 3), "terms": terms, "rank": i + 1}
            for i, (pk, score, terms) in enumerate(found) if pk in rows]


def explain(need, capability):
    """The score and shared words of one need–capability pair, as the index ranks it (for a contact record)."""
    index = capabilities.refresh()
    query = tokens(need.document)
    pos = index.index.position.get(capability.pk)
    if pos is None:
        words = set(tokens(capability.document))
        return {"score": 0, "terms": [w for w in dict.fromkeys(query) if w in words]}
    score = index.index.scores(query).get(pos, 0.0)
    words = set(query)
    return {"score": round(score, 3), "terms": [w for w in dict.fromkeys(index.index.docs[pos]) if w in words]}
