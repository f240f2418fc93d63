"""How far a source can be trusted from its address alone: the kind of domain, graded on the Admiralty scale.

**The scale** is the NATO / Admiralty system's source reliability (UK MoD JWP 2-00, 2003; NATO AJP-2.1; US Army
FM 2-22.3 appendix B): A completely reliable, B usually reliable, C fairly reliable, D not usually reliable,
E unreliable, F reliability cannot be judged. Code never gives A: that needs a track record an address does not
show.

**The kind of domain** decides the grade; each kind says where its rule comes from (``KINDS``), matched in this
order:

1. *reserved*: ``.example``, ``.test``, ``.invalid``, ``.localhost`` (RFC 6761) and ``example.com/net/org``
   (RFC 2606) are for documentation, and ``example`` under any other suffix is a placeholder by the same
   convention: E;
2. named domains (``NAMED``), longest suffix first: standards bodies, peer-reviewed publishers, preprint servers,
   intergovernmental and national statistics bodies, research institutes, news organisations, industry analysts,
   encyclopedias and self-publishing platforms. The lists are short and not exhaustive: a domain not on them is
   judged by the rules below or is unknown;
3. *government*: ``.gov`` and ``.mil`` (registration restricted to public bodies, e.g. CISA's DotGov program) and
   government second levels under a country code (``gov.uk``, ``gouv.fr``, ``gob.mx``, ``go.jp``, ``govt.nz``…,
   restricted by their national registries): B. ``.int`` (IANA: treaty-based international organisations): B;
4. *education*: ``.edu`` (restricted to accredited US post-secondary institutions, EDUCAUSE) and ``ac.xx`` /
   ``edu.xx``: C — a university domain hosts research and student pages alike;
5. *self-published*: a ``blog.`` host or a ``/blog`` path: D;
6. anything else is *unknown*: F. That includes ``.org``, ``.com``, ``.net`` and ``.io``, whose registration is
   open to anyone (the original system gave ``.org`` the same 0.9 as ``.gov``; it says nothing about the
   publisher). No address at all: F.

**Independence** of two sources is judged on their registrable domain, approximated without the Public Suffix
List: the last two labels, or three under a country code whose second level is a generic one (``co.uk``,
``gov.au``, ``ac.jp``…).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

GRADES = {
    "A": "completely reliable",
    "B": "usually reliable",
    "C": "fairly reliable",
    "D": "not usually reliable",
    "E": "unreliable",
    "F": "reliability cannot be judged",
}
GOOD_GRADES = ("A", "B", "C")  # the grades that can confirm a claim on their own (see evidence.py)
# kind: (grade, where the rule comes from)
KINDS: dict[str, tuple[str, str]] = {
    "government": ("B", "government domain: registration restricted to public bodies (.gov/.mil, gov.xx)"),
    "intergovernmental": ("B", "international or national statistics body (.int per IANA; named list)"),
    "standards_body": ("B", "the body that publishes the standard (named list)"),
    "peer_reviewed": ("B", "publisher of peer-reviewed journals (named list): peer review is the venue's"),
    "research_institute": ("C", "independent research organisation publishing its methods (named list)"),
    "news": ("C", "news organisation with an editorial process (named list, not exhaustive)"),
    "industry_analyst": ("C", "commercial research firm: methods often undisclosed (named list)"),
    "education": ("C", "education domain (.edu per EDUCAUSE, ac.xx/edu.xx): research and student pages alike"),
    "preprint": ("D", "preprint server: not yet peer reviewed (named list)"),
    "encyclopedia": ("D", "tertiary source: cite what it cites (named list)"),
    "self_published": ("D", "blog or publishing platform: anyone can publish (blog. host, /blog path, named list)"),
    "reserved": ("E", "reserved for documentation and tests (RFC 2606, RFC 6761): not a real publisher"),
    "unknown": ("F", "domain of no known kind (.com/.org/.net/.io are open to anyone): cannot be judged"),
    "none": ("F", "no address given: cannot be judged"),
}
# fmt: off
NAMED: dict[str, str] = {
    **dict.fromkeys(("iso.org", "iec.ch", "itu.int", "ietf.org", "rfc-editor.org", "w3.org", "ieee.org", "etsi.org",
                     "cencenelec.eu", "ansi.org", "bsigroup.com", "din.de", "astm.org"), "standards_body"),
    **dict.fromkeys(("nature.com", "science.org", "sciencedirect.com", "springer.com", "wiley.com",
                     "tandfonline.com", "sagepub.com", "jstor.org", "plos.org", "bmj.com", "thelancet.com",
                     "nejm.org", "jamanetwork.com", "cell.com", "academic.oup.com", "cambridge.org", "pnas.org",
                     "frontiersin.org", "mdpi.com", "dl.acm.org", "ieeexplore.ieee.org", "doi.org"),
                    "peer_reviewed"),
    **dict.fromkeys(("arxiv.org", "biorxiv.org", "medrxiv.org", "ssrn.com", "osf.io"), "preprint"),
    **dict.fromkeys(("europa.eu", "oecd.org", "worldbank.org", "imf.org", "un.org", "wto.org", "ilo.org", "fao.org",
                     "destatis.de", "insee.fr", "istat.it", "ine.es", "cbs.nl", "scb.se", "ssb.no", "dst.dk",
                     "cso.ie", "stat.fi", "statistik.at", "admin.ch", "gc.ca", "bund.de"), "intergovernmental"),
    **dict.fromkeys(("pewresearch.org", "rand.org", "nber.org", "brookings.edu"), "research_institute"),
    **dict.fromkeys(("reuters.com", "apnews.com", "bbc.co.uk", "bbc.com", "nytimes.com", "washingtonpost.com",
                     "wsj.com", "ft.com", "economist.com", "bloomberg.com", "theguardian.com", "npr.org",
                     "cnbc.com", "lemonde.fr", "spiegel.de", "faz.net", "nikkei.com", "afp.com", "dw.com",
                     "elpais.com", "axios.com", "politico.com", "aljazeera.com"), "news"),
    **dict.fromkeys(("gartner.com", "forrester.com", "idc.com", "mckinsey.com", "bcg.com", "bain.com",
                     "deloitte.com", "pwc.com", "statista.com", "nielsen.com", "ibisworld.com"), "industry_analyst"),
    **dict.fromkeys(("wikipedia.org", "britannica.com"), "encyclopedia"),
    **dict.fromkeys(("medium.com", "substack.com", "wordpress.com", "blogspot.com", "tumblr.com", "linkedin.com",
                     "x.com", "twitter.com", "facebook.com", "reddit.com", "quora.com", "youtube.com",
                     "tiktok.com", "instagram.com", "ghost.io", "notion.site", "researchgate.net"),
                    "self_published"),
}
# fmt: on
RESERVED_TLDS = ("example", "test", "invalid", "localhost")
GOVERNMENT_TLDS = ("gov", "mil")
GOVERNMENT_SECOND = ("gov", "gob", "gouv", "go", "govt", "gv", "gub", "mil")
EDUCATION_SECOND = ("ac", "edu")
GENERIC_SECOND = ("co", "com", "net", "org", "gov", "ac", "edu", "gob", "gouv", "go", "govt", "gv", "ne", "or", "ltd",
                  "plc", "sch", "mil", "nic", "gub")  # fmt: skip
_HOST = re.compile(r"[a-z0-9-]+(?:\.[a-z0-9-]+)+")


def host_of(url: str | None) -> tuple[str, str]:
    """The lower-case host and path of a URL (a bare ``host/path`` is read as one); ("", "") when unusable."""
    url = (url or "").strip()
    if not url:
        return "", ""
    try:
        parts = urlsplit(url if "//" in url else "//" + url)
        host = (parts.hostname or "").rstrip(".").lower()
    except ValueError:
        return "", ""
    return (host, parts.path) if _HOST.fullmatch(host) else ("", "")


def registrable(host: str) -> str:
    """The registrable domain, approximated (see the module docstring)."""
    labels = host.split(".")
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in GENERIC_SECOND:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def _named(host: str) -> str | None:
    labels = host.split(".")
    for n in range(len(labels), 1, -1):  # the longest suffix first: ieeexplore.ieee.org before ieee.org
        kind = NAMED.get(".".join(labels[-n:]))
        if kind:
            return kind
    return None


def kind_of(host: str, path: str = "") -> str:
    """The kind of domain (rules and their order in the module docstring)."""
    if not host:
        return "none"
    labels = host.split(".")
    if labels[-1] in RESERVED_TLDS or "example" in labels[:-1]:
        return "reserved"
    named = _named(host)
    if named:
        return named
    if labels[-1] in GOVERNMENT_TLDS or (len(labels[-1]) == 2 and labels[-2] in GOVERNMENT_SECOND):
        return "government"
    if labels[-1] == "int":
        return "intergovernmental"
    if labels[-1] == "edu" or (len(labels[-1]) == 2 and labels[-2] in EDUCATION_SECOND):
        return "education"
    if labels[0] == "blog" or path.lower().startswith("/blog"):
        return "self_published"
    return "unknown"


def authority(url: str | None) -> dict[str, Any]:
    """A source's host, registrable domain, kind, Admiralty grade and the rule that gave it."""
    host, path = host_of(url)
    kind = kind_of(host, path)
    grade, rule = KINDS[kind]
    # fmt: off
    return {"host": host, "domain": registrable(host) if host else "", "kind": kind, "grade": grade,
            "grade_meaning": GRADES[grade], "rule": rule}
    # fmt: on
