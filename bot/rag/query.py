"""Reading a learner's question: week/month filters, acronyms, synonyms and typos.

The acronym table is derived from the curriculum where it spells one out
("Approximate Nearest Neighbor (ANN)") and topped up by a small hand-kept table
for the ones it only names (HNSW, PEFT, LoRA…).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.rag.tokens import STOPWORDS, content_terms, stem, words

#: Acronyms and jargon the curriculum uses without spelling out, in learners' words.
HAND_EXPANSIONS: Mapping[str, str] = {
    "ann": "approximate nearest neighbor similarity search",
    "hnsw": "hierarchical navigable small world graph index approximate nearest neighbor",
    "ivf": "inverted file index clustering approximate nearest neighbor",
    "peft": "parameter-efficient fine-tuning",
    "lora": "low-rank adaptation parameter-efficient fine-tuning",
    "qlora": "quantized low-rank adaptation parameter-efficient fine-tuning",
    "rag": "retrieval-augmented generation",
    "pca": "principal component analysis dimensionality reduction",
    "tsne": "t-distributed stochastic neighbor embedding dimensionality reduction",
    "tfidf": "term frequency inverse document frequency",
    "cicd": "continuous integration continuous deployment automated pipelines",
    "ci": "continuous integration",
    "cd": "continuous deployment",
    "llm": "large language model",
    "llms": "large language models",
    "nlp": "natural language processing text",
    "ml": "machine learning",
    "mlops": "machine learning operations production",
    "roc": "receiver operating characteristic curve evaluation",
    "auc": "area under the roc curve evaluation",
    "gpu": "graphics card acceleration",
    "k8s": "kubernetes",
    "int8": "8-bit integer quantization",
    "fp16": "16-bit half precision quantization",
    "onnx": "onnx runtime model conversion",
    "bm25": "bm25 keyword ranking information retrieval",
    "regex": "regular expressions pattern matching rules",
    "regexes": "regular expressions pattern matching rules",
    "finetune": "fine-tuning",
    "finetuning": "fine-tuning",
    "chatgpt": "large language model transformer",
    "gpt": "large language model transformer",
    "rest": "restful api",
}

#: Well-known names learners use for things the curriculum names generically.
JARGON: Mapping[str, str] = {
    **dict.fromkeys(
        ("adam", "adamw", "sgd", "rmsprop", "adagrad", "momentum"),
        "optimizer optimization algorithms gradient descent",
    ),
    **dict.fromkeys(
        ("relu", "sigmoid", "tanh", "softmax", "gelu", "leakyrelu"), "activation functions"
    ),
    **dict.fromkeys(("cnn", "cnns", "rnn", "rnns", "lstm", "mlp"), "neural network layers"),
    **dict.fromkeys(
        ("llama", "mistral", "gpt4", "gpt-4", "claude", "gemini", "openai", "anthropic"),
        "large language model",
    ),
    **dict.fromkeys(("xgboost", "lightgbm", "catboost"), "decision trees random forests"),
    **dict.fromkeys(("kafka", "rabbitmq", "pubsub"), "event-driven message queues"),
    **dict.fromkeys(("mlflow", "wandb"), "model registration experiment tracking"),
    **dict.fromkeys(("airflow", "kubeflow", "prefect"), "automated ml pipelines workflows"),
    **dict.fromkeys(("faiss", "milvus", "chroma", "chromadb"), "vector database"),
    **dict.fromkeys(("elasticsearch", "lucene", "opensearch"), "bm25 keyword search"),
    **dict.fromkeys(("smote", "undersampling", "oversampling"), "imbalanced evaluation metrics"),
    **dict.fromkeys(("gguf", "ggml", "gptq", "awq", "bitsandbytes"), "quantization"),
    **dict.fromkeys(("vllm", "triton", "tgi", "bentoml"), "model serving inference"),
    **dict.fromkeys(("nan", "nans", "null", "nulls"), "missing values"),
    **dict.fromkeys(("onehot", "one-hot"), "categorical encoding"),
    **dict.fromkeys(("kfold", "k-fold"), "cross-validation"),
    **dict.fromkeys(("umap",), "dimensionality reduction"),
}

_ACRONYM_RE = re.compile(
    r"((?:[A-Za-z][\w-]*\s+){0,6}[A-Za-z][\w-]*)\s*\(([A-Za-z][A-Za-z0-9/-]{1,9})\)"
)
_MONTH_WEEK_RE = re.compile(r"\bmonth\s*(\d{1,2})\s*,?\s*week\s*(\d{1,2})\b", re.IGNORECASE)
_WEEK_RE = re.compile(r"\bweek\s*(\d{1,2})\b", re.IGNORECASE)
_MONTH_RE = re.compile(r"\bmonth\s*(\d{1,2})\b", re.IGNORECASE)
#: Shorter words get fewer edits: two edits turn most 5-letter words into another word.
#: A swap of neighbouring letters ("drfit") is one edit (optimal string alignment).
_LONG_WORD = 8


@dataclass(frozen=True)
class Filters:
    week: int | None = None
    month: int | None = None
    week_of_month: int | None = None

    def admits(self, month: int, week: int, week_of_month: int) -> bool:
        return (
            (self.week is None or self.week == week)
            and (self.month is None or self.month == month)
            and (self.week_of_month is None or self.week_of_month == week_of_month)
        )

    @property
    def active(self) -> bool:
        return self.week is not None or self.month is not None


@dataclass(frozen=True)
class ParsedQuery:
    original: str
    #: The question with filter phrases removed and typos corrected.
    text: str
    #: `text` plus the spelled-out acronyms and synonyms it mentions.
    expanded: str
    terms: list[str]
    filters: Filters
    corrections: list[tuple[str, str]] = field(default_factory=list)
    expansions: list[tuple[str, str]] = field(default_factory=list)
    #: The question names one of the path's books by its initials ("is DDIA worth it?").
    names_resource: bool = False


def derive_acronyms(texts: Iterable[str]) -> dict[str, str]:
    """'Approximate Nearest Neighbor (ANN)' -> {'ann': 'approximate nearest neighbor'}."""
    found: dict[str, str] = {}
    for text in texts:
        for match in _ACRONYM_RE.finditer(text):
            acronym = match.group(2)
            letters = [c.lower() for c in acronym if c.isupper()]
            if len(letters) < 2:
                continue
            parts = [p for w in match.group(1).split() for p in w.split("-") if p]
            tail = parts[-len(letters) :]
            if len(tail) == len(letters) and all(
                p[0].lower() == c for p, c in zip(tail, letters, strict=True)
            ):
                found[_key(acronym)] = " ".join(tail).lower()
    return found


#: Words a title's initials skip when written in lower case ("Deep Learning with Python").
_TITLE_SMALL_WORDS = frozenset(
    {"a", "an", "and", "for", "from", "in", "of", "on", "or", "the", "to", "with"}
)
#: Three initials collide with common terms (EMA is a moving average, not "Effective
#: Monitoring and Alerting"); four rarely do.
_MIN_TITLE_INITIALS = 4


def title_acronyms(titles: Iterable[str], dictionary: Iterable[str] = ()) -> dict[str, str]:
    """Learners name books by their initials: 'DDIA' -> 'designing data-intensive
    applications', 'HOML' -> 'hands-on machine learning'.

    A subtitle or a note in brackets is not part of the initials ("Deep Learning
    (Goodfellow et al.)" is DL). Initials that spell an English word, or that two titles
    share, are left out: a guess between two books is worse than none.
    """
    english = frozenset(dictionary)
    found: dict[str, str] = {}
    shared: set[str] = set()
    for title in dict.fromkeys(titles):
        name = re.sub(r"\([^)]*\)", " ", title).split(":")[0]
        parts = [p for p in re.split(r"[\s/-]+", name) if p and p[0].isalpha()]
        initials = _key("".join(p[0] for p in parts if p not in _TITLE_SMALL_WORDS))
        if len(initials) < _MIN_TITLE_INITIALS or _is_english_in(english, initials):
            continue
        if initials in found:
            shared.add(initials)
        found[initials] = title.lower()
    return {k: v for k, v in found.items() if k not in shared}


def _key(token: str) -> str:
    return re.sub(r"[^a-z0-9]", "", token.lower())


class QueryParser:
    def __init__(
        self,
        *,
        expansions: Mapping[str, str],
        vocabulary: Iterable[str] | Mapping[str, int],
        dictionary: Iterable[str] = (),
        titles: Mapping[str, str] | None = None,
    ) -> None:
        """`vocabulary`: words typos may snap to, with how often the path uses each when
        known (a tie goes to the commoner word); `dictionary`: real words never "corrected";
        `titles`: the path's books by their initials (`title_acronyms`), which `expansions`
        override.
        """
        self._titles = {k: v for k, v in (titles or {}).items() if k not in expansions}
        self._expansions = {**self._titles, **expansions}
        self._counts = Counter(vocabulary)
        self._vocabulary = sorted(self._counts)
        self._known = frozenset(self._vocabulary)
        self._dictionary = frozenset(dictionary)

    def parse(self, question: str, *, max_week: int = 16, max_month: int = 4) -> ParsedQuery:
        filters, text = _extract_filters(question, max_week=max_week, max_month=max_month)
        corrections: list[tuple[str, str]] = []
        expansions: list[tuple[str, str]] = []
        extra: list[str] = []
        fixed_words: list[str] = []
        for raw in re.findall(r"[\w/'-]+|[^\w\s]+|\s+", text):
            key = _key(raw)
            if key in self._expansions and (key, self._expansions[key]) not in expansions:
                expansions.append((raw, self._expansions[key]))
                extra.append(self._expansions[key])
                fixed_words.append(raw)
                continue
            fixed_words.append(self._correct(raw, corrections))
        text = "".join(fixed_words).strip()
        expanded = " ".join([text, *extra]).strip()
        return ParsedQuery(
            original=question,
            text=text,
            expanded=expanded,
            terms=content_terms(expanded),
            filters=filters,
            corrections=corrections,
            expansions=expansions,
            names_resource=any(_key(raw) in self._titles for raw, _ in expansions),
        )

    def _correct(self, raw: str, corrections: list[tuple[str, str]]) -> str:
        word = raw.lower()
        if (
            len(word) < 5
            or not word.isalpha()
            or word in STOPWORDS
            or word in self._known
            or stem(word) in self._known
            or _is_english_in(self._dictionary, word)
        ):
            return raw
        budget = 1 if len(word) < _LONG_WORD else 2
        matches = process.extract(
            word, self._vocabulary, scorer=OSA.distance, score_cutoff=budget, limit=None
        )
        # Typos rarely hit the first letter; a word that differs there is usually another word.
        candidates = [(d, str(found)) for found, d, _ in matches if found[0] == word[0]]
        if not candidates:
            return raw
        _, fixed = min(candidates, key=lambda c: (c[0], -self._counts[c[1]], c[1]))
        if all(old.lower() != word for old, _ in corrections):  # named once in the note
            corrections.append((raw, fixed))
        return fixed


_SUFFIXES = ("s", "es", "d", "ed", "ing", "ly", "er")


def _is_english_in(dictionary: frozenset[str], word: str) -> bool:
    """'tripled' is English if 'triple' is: the dictionary holds base forms only."""
    if word in dictionary:
        return True
    for suffix in _SUFFIXES:
        if word.endswith(suffix):
            base = word[: -len(suffix)]
            if len(base) >= 3 and (base in dictionary or base + "e" in dictionary):
                return True
    return False


def _extract_filters(question: str, *, max_week: int, max_month: int) -> tuple[Filters, str]:
    match = _MONTH_WEEK_RE.search(question)
    if match:
        month, week_of_month = int(match.group(1)), int(match.group(2))
        rest = _cut(question, match)
        if 1 <= month <= max_month and 1 <= week_of_month <= 5:
            return Filters(month=month, week_of_month=week_of_month), rest
        return Filters(), rest
    week_match = _WEEK_RE.search(question)
    month_match = _MONTH_RE.search(question)
    filters = Filters()
    text = question
    if week_match and 1 <= int(week_match.group(1)) <= max_week:
        filters = Filters(week=int(week_match.group(1)))
        text = _cut(text, week_match)
    elif month_match and 1 <= int(month_match.group(1)) <= max_month:
        filters = Filters(month=int(month_match.group(1)))
        text = _cut(text, month_match)
    return filters, text


def _cut(text: str, match: re.Match[str]) -> str:
    return (text[: match.start()] + " " + text[match.end() :]).strip()


def vocabulary_words(texts: Iterable[str]) -> set[str]:
    """Surface words (lower-case, 3+ letters) that typo correction may snap to."""
    return {w for text in texts for w in words(text) if len(w) > 2 and w.isalpha()}
