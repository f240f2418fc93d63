"""English: stopwords, the lexicon, and domain words that are not typos.

Weights are on a rough scale where 1 is "a hint", 2-3 "a clear signal" and 4-5 "this can only mean that agent".
A phrase is matched as consecutive content words (stopwords out, words stemmed by ``text.stem``), up to three
words long; ``@word`` matches the first word of a sentence, the action asked for ("post these tweets…" asks to
post, "write a LinkedIn post" to write). ``out_of_scope`` is the class of asks no agent does: design, code,
data and account work, publishing or sending on the user's behalf, and anything that is not marketing.
"""

from __future__ import annotations

from ..text import words

# Function words and chat filler: they say nothing about which agent is meant.
# "who", "where", "which", "next", "up" and "out" are kept on purpose: "who should
# we sell to" (ICP), "where should we spend" (channels), "follow up", "stand out".
STOPWORDS = words("""
    a about above after again all also am an and any anything are as at be been before being both but by can
    could did do does doing done don each even ever for from further get gets getting got had has have having
    he her here hers him his how i i'm id if im in into is it it's its itself just let lets like ll me might
    more most much must my myself need needs now of off ok okay on once one only or other our ours ourselves
    over own per please pls plz re really right s same she should so some something such t than thank thanks
    that thats the their theirs them then there these they thing things this those through to too u us ve
    very want wanted wants was way we were what whats when whether while why will with would yet you your yours
    yourself hey hi hello help make give tell know think stuff kind sort bit lot maybe am
    """)

# Real words and names that simplemma's English dictionary lacks and that sit one letter from a lexicon word:
# the spelling corrector must leave them alone.
NOT_TYPOS = words("""
    saas fintech martech adtech healthtech proptech edtech hubspot mailchimp shopify wordpress webflow notion
    zapier canva figma stripe pipedrive salesforce gartner webinar webinars onboarding offboarding
    """)

LEXICON: dict[str, dict[str, float]] = {
    "icp_architect": {
        "icp": 5, "ideal customer": 4, "ideal customer profile": 2, "customer profile": 3, "persona": 4,
        "buyer persona": 1, "target customer": 3, "target audience": 2.5, "audience": 1, "who": 1.5, "buyer": 2,
        "buy": 1.5, "who buy": 2, "sell to": 1.5, "type company": 2, "type customer": 2, "decision maker": 3,
        "firmographic": 4, "demographic": 3, "psychographic": 4, "pain point": 3, "pain": 1, "trigger event": 3,
        "buying trigger": 3, "segment": 2, "customer segment": 2, "best fit": 2, "fit customer": 1.5,
        "job title": 3, "disqualifier": 3, "early adopter": 2.5, "niche down": 2, "narrow": 1.5, "profile": 2,
        "target": 1, "motivation": 1.5, "behaviour": 1, "behavior": 1, "habit": 1.5, "customer type": 2,
        "never buy": 3, "never pay": 3, "student": 1, "who product": 2, "which company": 2.5, "company target": 2.5,
    },
    "content_creator": {
        "write": 2, "draft": 1, "create": 1, "blog": 2.5, "blog post": 1, "article": 2, "post": 1.5,
        "linkedin": 1.5, "linkedin post": 1, "tweet": 3.5, "twitter": 2, "thread": 2, "instagram": 2.5,
        "caption": 3.5, "tiktok": 1, "facebook": 1, "social media": 2, "social": 1, "social post": 2,
        "ad copy": 2.5, "copy": 1, "copywriting": 3, "headline": 2, "newsletter": 1.5, "carousel": 3.5, "script": 2,
        "hashtag": 3, "landing page": 1, "landing page copy": 1, "product description": 3, "content": 1,
        "announce": 1.5, "announcement": 1.5, "word": 1.5, "markdown": 3, "html": 1.5, "long form": 2.5,
        "short post": 2, "ghostwrite": 3, "youtube": 1.5, "video script": 2, "hero": 0.5, "section": 1,
        "@write": 1.5, "@draft": 1, "@compose": 2, "@ghostwrite": 2, "launch announcement": 3, "put linkedin": 2.5,
        "nothing post": 1.5,
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
        "on brand": 3.5, "brand voice": 3.5, "voice": 1.5, "tone": 1, "feedback": 2.5, "improve": 1,
        "mistake": 3, "error": 2, "passive voice": 3, "clarity": 2.5, "keyword density": 4, "keyword": 2,
        "seo score": 3, "polish": 2, "critique": 3.5, "edit": 2, "good enough": 2.5, "publish": 1.5,
        "guideline": 1.5, "wrong": 1.5, "too complex": 2, "complex": 1, "issue": 1, "post": 0.5, "blog": 0.5,
        "article": 1, "copy": 1, "content": 1, "draft": 1.5, "paragraph": 2.5, "text": 1.5, "writing": 1.5,
        "@check": 1.5, "@review": 1.5, "@grade": 1.5, "@rate": 1, "@evaluate": 1.5, "@edit": 1.5, "@proofread": 2,
    },
    "move_strategist": {
        "move": 4, "next move": 2, "phase": 3, "phased": 3, "partnership": 2.5, "partner": 2, "co marketing": 3,
        "comarketing": 3, "expansion": 3, "expand": 3, "enter": 2, "new market": 2, "vertical": 2, "initiative": 3,
        "milestone": 2.5, "risk": 2, "risky": 2, "risk appetite": 2, "conservative": 2, "aggressive": 2,
        "moderate": 1.5, "success probability": 3, "odd": 1, "odds success": 3, "succeed": 2.5, "success": 1.5,
        "next step": 2.5, "execution": 2.5, "execute": 2, "roadmap": 1.5, "rebrand": 2, "go market": 2, "gtm": 2,
        "push": 1.5, "bet": 1.5, "deal": 1.5, "kpi": 1, "duration": 1, "team up": 3, "step step": 2.5,
    },
    "campaign_planner": {
        "campaign": 3.5, "budget": 1.5, "budget split": 3, "budget allocation": 3, "allocation": 1.5, "split": 1.5,
        "daily cap": 4, "daily": 2, "spend cap": 3, "cap": 1.5, "lead gen": 3, "lead generation": 3, "lead": 1.5,
        "expected lead": 2, "awareness": 2.5, "retention campaign": 2, "conversion campaign": 2, "promotion": 2.5,
        "promo": 2.5, "holiday": 1, "black friday": 1.5, "review point": 3.5, "measurement plan": 3.5,
        "measurement": 2, "paid search": 1.5, "ppc": 1.5, "retargeting": 2, "start date": 2, "start": 1,
        "#money": 1, "ad budget": 2, "media plan": 3, "audience size": 2.5, "week": 0.5, "quarter": 0.5, "plan": 1,
    },
    "market_sizer": {
        "market": 1.5, "market size": 4, "market sizing": 4, "size": 2.5, "sizing": 3, "tam": 5, "sam": 4, "som": 4,
        "total addressable": 3, "addressable": 4, "serviceable": 4, "obtainable": 4, "big": 2, "large": 1.5,
        "opportunity": 1.5, "market share": 3, "share market": 2, "growth rate": 2, "growing": 1, "projection": 2.5,
        "revenue": 1, "capture": 2, "industry": 1, "geography": 1.5, "global": 1.5, "globally": 1.5, "region": 1.5,
        "regional": 1.5, "pitch deck": 1.5, "investor": 1.5, "potential": 1, "how many customer": 1, "niche": 1,
        "leader": 1, "challenger": 1, "space": 1, "worth": 0.5, "enough demand": 3.5, "demand": 2,
        "real business": 2, "many company": 3,
    },
    "channel_strategist": {
        "channel": 4, "channel mix": 3, "marketing channel": 2, "acquisition channel": 3, "growth channel": 2,
        "seo": 2, "paid ad": 2, "paid social": 2, "organic social": 2, "event": 2, "conference": 3, "trade show": 3,
        "podcast": 1.5, "community": 2, "outbound": 2, "outbound sale": 2.5, "referral": 1.5, "pr": 1.5,
        "where": 1.5, "focus": 1, "spend time": 2, "worth": 1, "google ad": 1.5, "facebook ad": 1.5, "tiktok": 1,
        "linkedin": 0.5, "platform": 1.5, "content marketing": 2, "prioritise": 1.5, "prioritize": 1.5, "rank": 1.5,
        "invest": 1.5, "distribution": 2, "which": 1, "first customer": 1.5, "acquisition": 1, "growth": 1,
        "online": 1, "where else": 3, "zero customer": 1.5, "get customer": 2, "word mouth": 3,
    },
    "evidence_analyst": {
        "evidence": 4, "fact check": 3, "fact": 2.5, "claim": 2.5, "statistic": 3.5, "stat": 3.5, "credible": 4,
        "credibility": 4, "trustworthy": 4, "reliable": 3.5, "reliability": 3.5, "source": 3, "citation": 4,
        "cite": 2.5, "verify": 3.5, "verified": 2.5, "proof point": 4, "proof": 2.5, "contradiction": 4,
        "contradict": 3, "conflicting": 3.5, "conflict": 2, "reconcile": 3.5, "extract": 3, "figure": 2,
        "data": 1.5, "report": 2, "study": 1.5, "research": 2, "whitepaper": 3, "back up": 3, "hold up": 3,
        "accurate": 2.5, "true": 2.5, "real": 1.5, "quote": 1.5, "press release": 2, "com": 1.5, "net": 1, "org": 1,
        "number": 1, "@verify": 1.5, "@fact": 1, "@extract": 1, "number come": 3, "come from": 1.5,
    },
    "positioning_strategist": {
        "positioning": 5, "position": 4, "differentiate": 4, "differentiation": 4, "differentiator": 4,
        "stand out": 3.5, "set apart": 3.5, "apart": 2, "unique": 3, "value proposition": 4, "value prop": 4,
        "proposition": 3, "messaging": 3, "message": 1.5, "soundbite": 5, "tagline": 3.5, "one liner": 4,
        "liner": 2, "elevator pitch": 4, "category": 3, "challenger": 2, "competitor": 2, "competition": 2,
        "vs": 1.5, "versus": 1.5, "against": 1.5, "alternative": 2, "incumbent": 2.5, "better": 1, "homepage": 2.5,
        "explain": 1.5, "jargon": 2, "vague claim": 2.5, "superlative": 2.5, "framework": 1, "statement": 2,
        "look like": 2.5, "audience who need": 5, "who need": 2.5, "unlike": 3,
    },
    "unit_economics": {
        "unit economics": 5, "cac": 5, "ltv": 5, "ltv cac": 2, "lifetime value": 5, "acquisition cost": 4,
        "cost customer": 3, "cost acquisition": 3, "cpa": 3, "payback": 5, "churn": 3.5, "arpu": 5,
        "gross margin": 4, "margin": 3, "cogs": 4, "cost goods": 3, "profitable": 3, "profit": 2, "make money": 2,
        "money customer": 2, "afford": 2.5, "customer worth": 2, "close rate": 2, "conversion rate": 2,
        "#money": 0.7, "#pct": 0.7, "break even": 3, "recover": 1.5, "spent": 2, "spend": 1, "mrr": 2.5, "arr": 1.5,
        "number": 1, "acquire": 1.5, "@calculate": 1, "@compute": 1, "user cost": 2.5, "serv user": 2,
        "cost #money": 1.5, "#money month": 1, "lose money": 3, "los money": 3, "pay back": 3, "customer stay": 2,
        "stay": 1.5, "pay #money": 1.5, "every customer": 1.5,
    },
    "launch_readiness": {
        "launch": 3, "ready": 3, "readiness": 5, "go live": 3, "live": 1, "gonogo": 5, "checklist": 3.5,
        "pre launch": 3, "blocker": 3.5, "block": 2.5, "ship": 1.5, "release": 2, "ga": 2, "beta": 1.5,
        "public": 1.5, "go public": 2, "product hunt": 3, "too early": 2.5, "missing": 2, "prep": 1.5, "delay": 2.5,
        "week until": 1, "left do": 1.5,
    },
    "out_of_scope": {
        # asking for an action no agent takes: publish, send, schedule, build, code, move data, buy, hire…
        "@post": 5, "@publish": 6, "@schedule": 6, "@upload": 5, "@share": 2, "@send": 5, "@design": 5, "@build": 1,
        "@code": 5, "@program": 3, "@fix": 1.5, "@export": 6, "@import": 4, "@migrate": 4, "@install": 4,
        "@connect": 3.5, "@integrate": 3, "@book": 3.5, "@order": 3.5, "@buy": 2.5, "@hire": 4, "@translate": 5,
        "@scrape": 5, "@automate": 4, "@reset": 4, "@file": 2, "@edit": 1, "@generate": 1, "@recommend": 1,
        "@set": 1, "@merge": 3, "@sync": 4, "@print": 3, "@draw": 4, "@record": 2,
        # …on things that are not marketing copy or plans
        "logo": 5, "logotype": 5, "banner": 3, "image": 2.5, "picture": 2.5, "photo": 2, "illustration": 3.5,
        "icon": 3, "font": 3.5, "color palette": 4, "colour palette": 4, "palette": 3, "figma": 4.5, "canva": 4.5,
        "photoshop": 4.5, "mockup": 3, "visual identity": 3, "video editing": 4, "edit video": 3, "subtitle": 3.5,
        "code": 4.5, "python": 4.5, "javascript": 4.5, "sql": 4.5, "query": 2, "script python": 2, "html code": 3,
        "bug": 4, "broken": 1.5, "wordpress": 3, "webflow": 4, "woocommerce": 3, "plugin": 3, "theme": 1.5,
        "website build": 2, "csv": 4, "excel": 3.5, "spreadsheet": 3.5, "google sheet": 3.5, "sheet": 1.5,
        "crm contact": 3, "contact": 1, "zapier": 4.5, "automation": 3, "automatically": 3, "autoresponder": 3,
        "every morning": 4, "every day": 2.5, "every week": 2.5, "every monday": 3, "every tuesday": 3,
        "every wednesday": 3, "every thursday": 3, "every friday": 3, "every night": 3, "each morning": 3,
        "password": 5, "login": 3, "account setting": 3, "tax": 3.5, "taxe": 3.5, "bookkeeping entry": 3,
        "contract": 3, "employment": 3, "lawyer": 3.5, "legal advice": 4, "terms service": 2.5, "laptop": 4,
        "shirt": 3.5, "merchandise": 3, "weather": 5, "capital": 2, "joke": 5, "poem": 4, "meaning life": 4,
        "recipe": 3, "translate": 5, "translation": 4, "japanese": 2, "email address": 4.5, "scrape": 5,
        "meeting": 3, "calendar invite": 3, "slack": 3, "google analytics": 3.5, "tracking pixel": 3, "stripe": 3,
        "dashboard": 1.5, "template": 2, "freelance designer": 3, "designer": 3, "developer": 3, "hire": 3,
        "migrate": 3.5, "migration": 3, "backup": 4, "checkout": 2.5, "database": 3, "duplicate": 2.5, "record": 1,
        "import": 3, "signup form": 2, "popup": 2.5, "pop up": 2.5, "api": 1, "server": 3, "manage account": 3,
        "account": 0.5, "order": 1.5, "deliver": 1, "print": 2.5, "flyer design": 2, "schedule post": 3, "@find": 1,
        "build app": 3, "build website": 3.5, "hosting": 3, "domain name": 3.5, "dns": 4, "business card": 4,
        "merch": 3, "swag": 3, "refund": 3.5, "recruit": 3, "job posting": 3.5, "job description": 4, "salary": 3,
        "trademark": 4, "patent": 4, "privacy policy": 3.5, "cookie banner": 4, "support ticket": 3.5, "chatbot": 3,
        "data entry": 4, "flight": 4, "hotel": 3, "stock price": 4, "bitcoin": 4, "crypto": 3, "football": 4,
        "movie": 3, "song": 3, "birthday": 3, "homework": 4,
    },
}  # fmt: skip
