"""The dispatcher's language side: how a request becomes terms, and which terms point to which agent.

Kept apart from ``agents.dispatcher`` so that the curated knowledge (stopwords,
a light stemmer, the per-agent lexicon) can be read and reviewed as data,
while the dispatcher holds the scoring. Both the requests and the lexicon
phrases go through :func:`terms`, so a phrase such as "how big is the market"
is stored exactly as a request will produce it ("big market").

The lexicon is written from the agent catalogue (docs: DOMAIN.md) and from the
vocabulary founders use for each task; weights are on a rough scale where 1 is
"a hint", 2-3 "a clear signal" and 4-5 "this can only mean that agent".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache

MAX_NGRAM = 3
QUOTED_WEIGHT = 0.25
FUZZY_MIN_LENGTH = 5
_QUOTED = re.compile(r'"[^"]*"|“[^”]*”|«[^»]*»')


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Function words and chat filler: they say nothing about which agent is meant.
# "who", "where", "which", "next", "up" and "out" are kept on purpose: "who should
# we sell to" (ICP), "where should we spend" (channels), "follow up", "stand out".
STOPWORDS = _words(
    """
    a about above after again all also am an and any anything are as at be been before being both but by can
    could did do does doing done don each even ever for from further get gets getting got had has have having
    he her here hers him his how i i'm id if im in into is it it's its itself just let lets like ll me might
    more most much must my myself need needs now of off ok okay on once one only or other our ours ourselves
    over own per please pls plz re really right s same she should so some something such t than thank thanks
    that thats the their theirs them then there these they thing things this those through to too u us ve
    very want wanted wants was way we were what whats when whether while why will with would yet you your yours
    yourself hey hi hello help make give tell know think stuff kind sort bit lot maybe am
    """
)

# Rewrites applied to the normalised text before splitting into words, for notations
# that would otherwise fall apart into stopwords ("a/b" → "a", "b").
REWRITES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\ba\s*/\s*b\b"), " abtest "),
    (re.compile(r"\bgo\s*/\s*no[\s-]*go\b"), " gonogo "),
    (re.compile(r"\be-mail"), "email"),
)

# A word, a number (with its currency or percent sign), nothing else; "_" separates words.
_TOKEN = re.compile(r"[$€£]?\d[\d,.]*\s?(?:k|m|bn|%)?(?![^\W_])|[^\W\d_][^\W_]*")
_MONEY = re.compile(r"^[$€£]|(?:k|m|bn)$")


def normalise(text: str) -> str:
    """Unicode-normalise and casefold, so "ＴＡＭ", "TAM" and "tam" are one term."""
    text = unicodedata.normalize("NFKC", text).casefold()
    for pattern, replacement in REWRITES:
        text = pattern.sub(replacement, text)
    return text


@lru_cache(maxsize=8192)
def stem(word: str) -> str:
    """A deliberately small suffix stripper: plurals, -ing and -ed, nothing clever.

    Porter-style stemmers conflate words this router must keep apart
    ("marketing" → "market" would send every marketing request to the market
    sizer), so only the inflections that never change the meaning are removed.
    """
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if word in _NO_STEM or len(word) <= 3:
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is", "ics")):
        return word[:-1]
    if word.endswith("ing") and len(word) > 5:
        return word[:-3]
    if word.endswith("ed") and not word.endswith("eed") and len(word) > 4:
        return word[:-2]
    return word


# Words whose suffix is part of the meaning: "marketing" is not "market", "news" not "new".
_IRREGULAR = {"ads": "ad"}  # too short for the plural rule, too common to miss
_NO_STEM = _words("marketing pricing messaging positioning news series during something everything thing saas")


def number_term(token: str) -> str:
    """Numbers become a kind, not a value: "$20k" → "#money", "5%" → "#pct", "30" → "#num"."""
    if token.endswith("%"):
        return "#pct"
    if _MONEY.search(token):
        return "#money"
    return "#num"


def terms(text: str) -> list[str]:
    """The request's content words, normalised and stemmed, in order; numbers as their kind."""
    words = []
    for token in _TOKEN.findall(normalise(text)):
        if token[0].isdigit() or token[0] in "$€£":
            words.append(number_term(token.replace(" ", "")))
        elif len(token) > 1 and token not in STOPWORDS:
            words.append(stem(token))
    return words


def ngrams(words: Sequence[str], longest: int = MAX_NGRAM) -> Iterator[str]:
    """Consecutive words joined by a space, one to ``longest`` words long."""
    for n in range(1, longest + 1):
        for start in range(len(words) - n + 1):
            yield " ".join(words[start : start + n])


def segments(text: str) -> Iterator[tuple[str, float]]:
    """The text as (segment, weight): quoted payload ("proofread this: "…"") weighs QUOTED_WEIGHT."""
    position = 0
    for quoted in _QUOTED.finditer(text):
        yield text[position : quoted.start()], 1.0
        yield quoted.group(), QUOTED_WEIGHT
        position = quoted.end()
    yield text[position:], 1.0


def _deletions(word: str) -> Iterator[str]:
    return (word[:i] + word[i + 1 :] for i in range(len(word)))


class Speller:
    """Reads an unknown word as a known one a single edit away ("campain" → "campaign").

    A SymSpell-style index of every known word with one letter deleted finds a
    missing, extra, wrong or swapped letter with dictionary look-ups only. Words
    shorter than FUZZY_MIN_LENGTH are left alone: too many short words are one
    edit from each other.
    """

    def __init__(self, vocabulary: Iterable[str]):
        self.vocabulary = frozenset(vocabulary)
        self.deletes: dict[str, str] = {}
        for word in sorted(self.vocabulary):
            if len(word) >= FUZZY_MIN_LENGTH and word.isalpha():
                for shorter in _deletions(word):
                    self.deletes.setdefault(shorter, word)

    def correct(self, word: str) -> str:
        if word in self.vocabulary or len(word) < FUZZY_MIN_LENGTH or not word.isalpha():
            return word
        if word in self.deletes:
            return self.deletes[word]
        shorter = list(_deletions(word))
        known = next((candidate for candidate in shorter if candidate in self.vocabulary), None)
        return known or next((self.deletes[c] for c in shorter if c in self.deletes), word)


def request_features(text: str, speller: Speller) -> tuple[dict[str, float], tuple[str, ...]]:
    """The request's features with their weight, and the spelling corrections made ("campain→campaign")."""
    features: dict[str, float] = {}
    corrections: list[str] = []
    for segment, weight in segments(text):
        words = []
        for word in terms(segment):
            known = speller.correct(word)
            if known != word:
                corrections.append(f"{word}→{known}")
            words.append(known)
        for feature in ngrams(words):
            features[feature] = max(features.get(feature, 0.0), weight)
    return features, tuple(corrections)


# agent slug → {phrase: weight}. Phrases are matched as consecutive content words
# (after stopwords are removed and words stemmed), up to three words long.
LEXICON: dict[str, dict[str, float]] = {
    "icp_architect": {
        "icp": 5, "ideal customer": 4, "ideal customer profile": 2, "customer profile": 3, "persona": 4,
        "buyer persona": 1, "target customer": 3, "target audience": 2.5, "audience": 1, "who": 1.5, "buyer": 2,
        "buy": 1.5, "who buy": 2, "sell to": 1.5, "type company": 2, "type customer": 2, "decision maker": 3,
        "firmographic": 4, "demographic": 3, "psychographic": 4, "pain point": 3, "pain": 1, "trigger event": 3,
        "buying trigger": 3, "segment": 2, "customer segment": 2, "best fit": 2, "fit customer": 1.5, "job title": 3,
        "disqualifier": 3, "early adopter": 2.5, "niche down": 2, "narrow": 1.5, "profile": 2, "target": 1,
        "motivation": 1.5, "behaviour": 1, "behavior": 1, "habit": 1.5, "customer type": 2,
    },
    "content_creator": {
        "write": 2, "draft": 1, "create": 1, "blog": 2.5, "blog post": 1, "article": 2, "post": 1.5, "linkedin": 1.5,
        "linkedin post": 1, "tweet": 3.5, "twitter": 2, "thread": 2, "instagram": 2.5, "caption": 3.5, "tiktok": 1,
        "facebook": 1, "social media": 2, "social": 1, "social post": 2, "ad copy": 2.5, "copy": 1, "copywriting": 3,
        "headline": 2, "newsletter": 1.5, "carousel": 3.5, "script": 2, "hashtag": 3, "landing page": 1,
        "landing page copy": 1, "product description": 3, "content": 1, "announce": 1.5, "announcement": 1.5,
        "word": 1.5, "markdown": 3, "html": 1.5, "long form": 2.5, "short post": 2, "ghostwrite": 3, "youtube": 1.5,
        "video script": 2, "hero": 0.5, "section": 1,
    },
    "email_specialist": {
        "email": 3.5, "cold email": 2, "subject line": 4, "subject": 2.5, "preheader": 5, "open rate": 4,
        "click rate": 3, "spam": 3.5, "spam filter": 2, "inbox": 2.5, "deliverability": 4, "outreach": 2.5,
        "cold outreach": 1.5, "sequence": 2, "drip": 3.5, "follow up": 2.5, "nurture": 3, "welcome email": 2,
        "win back": 3, "re engagement": 3, "reengagement": 3, "personalise": 2.5, "personalize": 2.5,
        "personalised": 2.5, "personalized": 2.5, "first name": 2.5, "abtest": 2, "unsubscribe": 3, "invite": 1.5,
        "mailchimp": 3, "mailing list": 3, "waitlist": 2, "send": 1, "reply": 1.5, "mail": 2.5,
    },
    "quality_checker": {
        "proofread": 5, "grammar": 4, "typo": 4, "spelling": 4, "readability": 3.5, "readable": 3, "flesch": 5,
        "grade": 4, "score": 2.5, "rate": 1.5, "review": 2, "check": 1.5, "audit": 1.5, "qa": 5, "quality": 3.5,
        "on brand": 3.5, "brand voice": 3.5, "voice": 1.5, "tone": 1, "feedback": 2.5, "improve": 1, "fix": 1.5,
        "mistake": 3, "error": 2, "passive voice": 3, "clarity": 2.5, "keyword density": 4, "keyword": 2,
        "seo score": 3, "polish": 2, "critique": 3.5, "edit": 2, "good enough": 2.5, "publish": 1.5, "guideline": 1.5,
        "wrong": 1.5, "too complex": 2, "complex": 1, "issue": 1, "post": 0.5, "blog": 0.5, "article": 1, "copy": 1,
        "content": 1, "draft": 1.5, "paragraph": 2.5, "text": 1.5, "writing": 1.5,
    },
    "move_strategist": {
        "move": 4, "next move": 2, "phase": 3, "phased": 3, "partnership": 2.5, "partner": 2, "co marketing": 3,
        "comarketing": 3, "expansion": 3, "expand": 3, "enter": 2, "new market": 2, "vertical": 2, "initiative": 3,
        "milestone": 2.5, "risk": 2, "risky": 2, "risk appetite": 2, "conservative": 2, "aggressive": 2,
        "moderate": 1.5, "success probability": 3, "odd": 1, "odds success": 3, "succeed": 2.5, "success": 1.5,
        "next step": 2.5, "execution": 2.5, "execute": 2, "roadmap": 1.5, "rebrand": 2, "go market": 2, "gtm": 2,
        "push": 1.5, "bet": 1.5, "deal": 1.5, "kpi": 1, "duration": 1,
    },
    "campaign_planner": {
        "campaign": 3.5, "budget": 1.5, "budget split": 3, "budget allocation": 3, "allocation": 1.5, "split": 1.5,
        "daily cap": 4, "daily": 2, "spend cap": 3, "cap": 1.5, "lead gen": 3, "lead generation": 3, "lead": 1.5,
        "expected lead": 2, "awareness": 2.5, "retention campaign": 2, "conversion campaign": 2, "promotion": 2.5,
        "promo": 2.5, "holiday": 1, "black friday": 1.5, "review point": 3.5, "measurement plan": 3.5,
        "measurement": 2, "paid search": 1.5, "ppc": 1.5, "retargeting": 2, "start date": 2, "start": 1, "#money": 1,
        "ad budget": 2, "media plan": 3, "audience size": 2.5, "week": 0.5, "quarter": 0.5, "plan": 1,
    },
    "market_sizer": {
        "market": 1.5, "market size": 4, "market sizing": 4, "size": 2.5, "sizing": 3, "tam": 5, "sam": 4, "som": 4,
        "total addressable": 3, "addressable": 4, "serviceable": 4, "obtainable": 4, "big": 2, "large": 1.5,
        "opportunity": 1.5, "market share": 3, "share market": 2, "growth rate": 2, "growing": 1, "projection": 2.5,
        "revenue": 1, "capture": 2, "industry": 1, "geography": 1.5, "global": 1.5, "globally": 1.5, "region": 1.5,
        "regional": 1.5, "pitch deck": 1.5, "investor": 1.5, "potential": 1, "how many customer": 1, "niche": 1,
        "leader": 1, "challenger": 1, "space": 1, "worth": 0.5,
    },
    "channel_strategist": {
        "channel": 4, "channel mix": 3, "marketing channel": 2, "acquisition channel": 3, "growth channel": 2,
        "seo": 2, "paid ad": 2, "paid social": 2, "organic social": 2, "event": 2, "conference": 3, "trade show": 3,
        "podcast": 1.5, "community": 2, "outbound": 2, "outbound sale": 2.5, "referral": 1.5, "pr": 1.5, "where": 1.5,
        "focus": 1, "spend time": 2, "worth": 1, "google ad": 1.5, "facebook ad": 1.5, "tiktok": 1, "linkedin": 0.5,
        "platform": 1.5, "content marketing": 2, "prioritise": 1.5, "prioritize": 1.5, "rank": 1.5, "invest": 1.5,
        "distribution": 2, "which": 1, "first customer": 1.5, "acquisition": 1, "growth": 1, "online": 1,
    },
    "evidence_analyst": {
        "evidence": 4, "fact check": 3, "fact": 2.5, "claim": 2.5, "statistic": 3.5, "stat": 3.5, "credible": 4,
        "credibility": 4, "trustworthy": 4, "reliable": 3.5, "reliability": 3.5, "source": 3, "citation": 4,
        "cite": 2.5, "verify": 3.5, "verified": 2.5, "proof point": 4, "proof": 2.5, "contradiction": 4,
        "contradict": 3, "conflicting": 3.5, "conflict": 2, "reconcile": 3.5, "extract": 3, "figure": 2, "data": 1.5,
        "report": 2, "study": 1.5, "research": 2, "whitepaper": 3, "back up": 3, "hold up": 3, "accurate": 2.5,
        "true": 2.5, "real": 1.5, "quote": 1.5, "press release": 2, "com": 1.5, "net": 1, "org": 1, "number": 1,
    },
    "positioning_strategist": {
        "positioning": 5, "position": 4, "differentiate": 4, "differentiation": 4, "differentiator": 4,
        "stand out": 3.5, "set apart": 3.5, "apart": 2, "unique": 3, "value proposition": 4, "value prop": 4,
        "proposition": 3, "messaging": 3, "message": 1.5, "soundbite": 5, "tagline": 3.5, "one liner": 4, "liner": 2,
        "elevator pitch": 4, "category": 3, "challenger": 2, "competitor": 2, "competition": 2, "vs": 1.5,
        "versus": 1.5, "against": 1.5, "alternative": 2, "incumbent": 2.5, "better": 1, "homepage": 1.5,
        "explain": 1.5, "jargon": 2, "vague claim": 2.5, "superlative": 2.5, "framework": 1, "statement": 2,
    },
    "unit_economics": {
        "unit economics": 5, "cac": 5, "ltv": 5, "ltv cac": 2, "lifetime value": 5, "acquisition cost": 4,
        "cost customer": 3, "cost acquisition": 3, "cpa": 3, "payback": 5, "churn": 3.5, "arpu": 5, "gross margin": 4,
        "margin": 3, "cogs": 4, "cost goods": 3, "profitable": 3, "profit": 2, "make money": 2, "money customer": 2,
        "afford": 2.5, "customer worth": 2, "close rate": 2, "conversion rate": 2, "#money": 0.7, "#pct": 0.7,
        "break even": 3, "recover": 1.5, "spent": 2, "spend": 1, "mrr": 2.5, "arr": 1.5, "number": 1, "acquire": 1.5,
    },
    "launch_readiness": {
        "launch": 3, "ready": 3, "readiness": 5, "go live": 3, "live": 1, "gonogo": 5, "checklist": 3.5,
        "pre launch": 3, "blocker": 3.5, "block": 2.5, "ship": 1.5, "release": 2, "ga": 2, "beta": 1.5, "public": 1.5,
        "go public": 2, "product hunt": 3, "too early": 2.5, "missing": 2, "prep": 1.5, "delay": 2.5, "week until": 1,
        "left do": 1.5,
    },
}  # fmt: skip
