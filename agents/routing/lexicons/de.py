"""German: stopwords and the lexicon (words as simplemma lemmatises them; any inflected form may be written).

English loanwords that German marketers use as they are (Leads, Content, Newsletter, Churn, Launch, SEO) need no
entry here: a word German does not know is read as English.
"""

from __future__ import annotations

from ..text import words

STOPWORDS = words("""
    der die das den dem des ein eine einen einem einer eines und oder aber doch denn sondern als wie wenn ob dass
    ich du er sie es wir ihr mich dich sich uns euch mir dir ihm ihnen mein meine meinen meinem meiner dein deine
    unser unsere unseren unserem unserer unseres euer eure ihr ihre ihren ihrem ihrer sein seine seinen seinem
    ist sind war waren bin bist seid sein gewesen hat haben habe hast hatte hatten wird werden wurde wurden würde
    würden kann kannst können könnte könntest könnten soll sollen sollte sollten muss müssen musst will wollen möchte
    möchten darf dürfen mag mal bitte doch ja nein nicht kein keine keinen noch schon auch nur sehr so zu zum zur
    im in am an auf aus bei mit nach von vor über unter für durch gegen ohne um bis ab seit dieser diese dieses
    diesen diesem hier da dort jetzt dann etwa eigentlich einfach gerne gern hallo hi danke man was etwas alles
    sich selbst beim vom ins ans aufs fürs eher überhaupt denn
    """)

NOT_TYPOS: frozenset[str] = frozenset()

LEXICON: dict[str, dict[str, float]] = {
    "icp_architect": {
        "idealer kunde": 4, "idealkunde": 5, "zielkunde": 3.5, "zielgruppe": 3, "kundenprofil": 4.5, "persona": 4,
        "käufer": 2, "käuferpersona": 5, "wer": 1.5, "wer kaufen": 2.5, "entscheider": 3, "entscheidungsträger": 3,
        "kundensegment": 3, "segment": 2, "ansprechen": 1.5, "schmerzpunkt": 3, "kaufauslöser": 3,
        "firmografisch": 4, "demografisch": 3, "verkaufen an": 1, "kundentyp": 3, "art kunde": 2,
    },
    "content_creator": {
        "schreiben": 2, "verfassen": 2, "erstellen": 1, "texten": 2, "beitrag": 2, "blogartikel": 3.5,
        "blogbeitrag": 3.5, "artikel": 2, "post": 1.5, "posting": 1.5, "bildunterschrift": 3.5, "werbetext": 3,
        "anzeigentext": 3, "überschrift": 2, "rundbrief": 2, "skript": 1.5, "hashtag": 3, "ankündigung": 1.5,
        "ankündigen": 1.5, "produktbeschreibung": 3, "social media": 2, "inhalt": 1, "@schreiben": 1.5,
        "@verfassen": 2,
    },
    "email_specialist": {
        "mail": 3, "email": 3.5, "e-mail": 3.5, "betreffzeile": 4.5, "betreff": 3.5, "vorschautext": 5,
        "öffnungsrate": 4, "klickrate": 3, "spam": 3.5, "spamordner": 4, "postfach": 2.5, "zustellbarkeit": 4,
        "willkommensmail": 4, "willkommen": 1.5, "mailing": 3, "verteiler": 3, "nachfassen": 2.5, "abmelden": 3,
        "landen spam": 2, "anschreiben": 1.5,
    },
    "quality_checker": {
        "prüfen": 2, "überprüfen": 2, "korrigieren": 3, "korrekturlesen": 5, "lektorat": 5, "rechtschreibung": 4.5,
        "grammatik": 4.5, "tippfehler": 4, "fehler": 2, "lesbarkeit": 4, "verständlich": 2.5, "bewerten": 2,
        "note": 2.5, "qualität": 3.5, "markenstimme": 4, "tonalität": 2.5, "feedback": 2.5, "verbessern": 1,
        "text": 1.5, "entwurf": 1.5, "absatz": 2.5, "veröffentlichen bevor": 1, "@prüfen": 1.5, "@korrigieren": 1.5,
        "@bewerten": 1.5,
    },
    "move_strategist": {
        "schritt": 2, "nächster schritt": 2.5, "phase": 3, "partnerschaft": 3, "partner": 2, "kooperation": 3,
        "expansion": 3, "expandieren": 3, "markteintritt": 3, "initiative": 3, "meilenstein": 2.5, "risiko": 2,
        "erfolgschance": 3.5, "erfolgswahrscheinlichkeit": 3.5, "erfolg": 1.5, "vorstoß": 3, "umsetzung": 2,
        "geringes risiko": 1.5, "risikobereitschaft": 2, "zug": 2, "maßnahme": 2,
    },
    "campaign_planner": {
        "kampagne": 3.5, "kampagnenbudget": 4, "budget": 1.5, "budgetverteilung": 3.5, "aufteilen": 2,
        "verteilen": 1.5, "tagesbudget": 4, "leadgenerierung": 3, "leadgewinnung": 3, "aktion": 2,
        "werbeaktion": 2.5, "zeitplan": 2, "laufzeit": 2, "suchanzeige": 1.5, "startdatum": 2, "#money": 1,
        "messplan": 3.5, "reichweite": 1, "promotion": 2,
    },
    "market_sizer": {
        "markt": 1.5, "marktgröße": 4.5, "marktvolumen": 4.5, "groß markt": 3, "groß": 1.5, "größe": 2,
        "marktanteil": 3, "marktpotenzial": 4, "potenzial": 1.5, "adressierbar": 4, "gesamtmarkt": 3.5,
        "wachstumsrate": 2, "prognose": 2, "investor": 1.5, "branche": 1, "berechnen": 0.5,
    },
    "channel_strategist": {
        "kanal": 4, "marketingkanal": 4.5, "vertriebskanal": 3, "kanalmix": 4, "werbung": 1, "bezahlte werbung": 2,
        "anzeige": 1.5, "messe": 3, "veranstaltung": 2, "empfehlung": 1.5, "priorisieren": 1.5, "lohnen": 1.5,
        "wo": 1.5, "konzentrieren": 1, "investieren": 1.5, "plattform": 1.5, "reichweite": 0.5, "welche": 1,
    },
    "evidence_analyst": {
        "beleg": 3.5, "beweis": 3, "fakt": 2.5, "faktencheck": 4, "fakten prüfen": 2, "behauptung": 2.5,
        "statistik": 3.5, "glaubwürdig": 4, "glaubwürdigkeit": 4, "vertrauenswürdig": 4, "zuverlässig": 3,
        "seriös": 3, "quelle": 3, "zitat": 1.5, "verifizieren": 3.5, "widerspruch": 4, "widersprechen": 3,
        "pressemitteilung": 2, "studie": 1.5, "zahl": 1, "stimmen": 1.5,
    },
    "positioning_strategist": {
        "positionierung": 5, "positionieren": 4, "abheben": 4, "abgrenzen": 4, "differenzieren": 4,
        "alleinstellungsmerkmal": 4.5, "wertversprechen": 4.5, "nutzenversprechen": 4.5, "botschaft": 2.5,
        "slogan": 3.5, "claim": 1, "wettbewerber": 2, "konkurrenz": 2, "kategorie": 2.5, "einzigartig": 3,
        "formulieren": 1,
    },
    "unit_economics": {
        "kundenakquisitionskosten": 5, "akquisitionskosten": 4.5, "kundenwert": 4, "kundenlebenszeitwert": 5,
        "amortisation": 4, "amortisationszeit": 5, "deckungsbeitrag": 4, "bruttomarge": 4, "marge": 3,
        "rentabel": 3, "rechnen sich": 2, "lohnen sich": 1, "profitabel": 3, "kosten": 1.5, "kostet uns": 2,
        "abo": 1, "pro nutzer": 2, "nutzer kosten": 2, "gewinn": 2, "geld verlieren": 3, "abwanderung": 3,
        "kündigungsrate": 3.5, "umsatz pro kunde": 3, "@berechnen": 0.5,
    },
    "launch_readiness": {
        "launch": 3, "bereit": 3, "startklar": 4, "produktstart": 3.5, "markteinführung": 3.5, "livegang": 3,
        "checkliste": 3.5, "blockieren": 3, "blocker": 3.5, "veröffentlichung": 1.5, "fertig": 2, "verschieben": 2,
        "start": 1,
    },
    "out_of_scope": {
        "@entwerfen": 2.5, "@gestalten": 3, "@veröffentlichen": 6, "@posten": 5, "@programmieren": 5,
        "@exportieren": 6, "@importieren": 4, "@übersetzen": 5, "@buchen": 3.5, "@bestellen": 3.5, "logo": 5,
        "bild": 2.5, "foto": 2, "grafik": 2.5, "design": 1.5, "programm": 3, "code": 4.5, "skript kopieren": 2,
        "kopieren": 2.5, "tabelle": 3, "excel": 3.5, "wetter": 5, "witz": 5, "gedicht": 4, "passwort": 5,
        "steuer": 3.5, "vertrag": 3, "anwalt": 3.5, "jeden morgen": 4, "jeden tag": 2.5, "automatisch": 3,
        "übersetzen": 5, "website bauen": 3, "kontakt": 1, "crm kontakt": 3, "@versenden": 5, "@verschicken": 5,
    },
}  # fmt: skip
