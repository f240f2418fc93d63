"""Italian: stopwords and the lexicon (words as simplemma lemmatises them; any inflected form may be written)."""

from __future__ import annotations

from ..text import words

STOPWORDS = words("""
    il lo la i gli le l un uno una un' e ed o oppure ma però che cui quale quali di del dello della dei degli
    delle al allo alla ai agli alle a ad da dal dallo dalla dai dagli dalle in nel nello nella nei negli nelle con
    col su sul sullo sulla sui sugli sulle per tra fra io tu lui lei noi voi loro mi ti si ci vi ne mio mia miei
    mie tuo tua suo sua nostro nostra nostri nostre vostro vostra è sono sei siamo siete era stato essere avere
    ho hai ha abbiamo hanno puoi può possiamo possono potresti potrebbe voglio vogliamo devo deve dobbiamo
    dovremmo dovrebbe fare non sì già molto più anche ancora così come questo questa questi queste quello
    quella grazie ciao per favore qualcosa c' ce
    """)

NOT_TYPOS: frozenset[str] = frozenset()

LEXICON: dict[str, dict[str, float]] = {
    "icp_architect": {
        "cliente ideale": 4.5, "pubblico target": 3, "target": 1.5, "cliente target": 3.5, "buyer persona": 2,
        "persona": 3, "acquirente": 2, "profilo cliente": 4, "decisore": 3, "segmento": 2, "chi comprare": 2.5,
        "chi": 1, "tipo azienda": 2.5, "vendere prima": 1.5, "punto dolore": 3,
    },
    "content_creator": {
        "scrivere": 2, "redigere": 2, "articolo": 2, "articolo blog": 2, "pubblicazione": 1.5, "post": 1.5,
        "didascalia": 3.5, "testo pubblicitario": 3, "annuncio": 1.5, "annunciare": 1.5, "titolo": 1.5,
        "tweet": 3.5, "social": 1.5, "contenuto": 1, "copione": 2, "@scrivere": 1.5, "@redigere": 1.5,
    },
    "email_specialist": {
        "email": 3.5, "e-mail": 3.5, "mail": 3, "oggetto": 2.5, "oggetto mail": 2, "tasso apertura": 4, "spam": 3.5,
        "posta indesiderata": 3, "casella": 2, "recapitabilità": 4, "benvenuto": 1.5, "sequenza": 2,
        "disiscrizione": 3, "newsletter oggetto": 1,
    },
    "quality_checker": {
        "correggere": 3, "revisionare": 3, "rivedere": 2.5, "errore": 2.5, "grammatica": 4.5, "ortografia": 4.5,
        "leggibilità": 4, "valutare": 2, "voto": 2.5, "qualità": 3.5, "voce marchio": 3.5, "tono": 1, "testo": 1.5,
        "bozza": 1.5, "paragrafo": 2.5, "refuso": 4, "@valutare": 2, "@correggere": 1.5, "@revisionare": 1.5,
        "articolo": 1, "valuta": 2, "@valuta": 2,
    },
    "move_strategist": {
        "mossa": 3.5, "prossima mossa": 2, "passo": 1.5, "fase": 3, "partnership": 3, "collaborazione": 2.5,
        "partner": 2, "espansione": 3, "nuovo mercato": 2, "iniziativa": 3, "traguardo": 2, "rischio": 2,
        "probabilità successo": 3.5, "successo": 1.5,
    },
    "campaign_planner": {
        "campagna": 3.5, "budget": 1.5, "budget campagna": 2, "suddividere": 2, "ripartire": 2, "ripartizione": 2,
        "tetto giornaliero": 4, "limite giornaliero": 4, "lead generation": 3, "promozione": 2.5, "calendario": 1.5,
        "durata": 1, "partire": 0.5, "#money": 1, "pianificare": 1,
    },
    "market_sizer": {
        "mercato": 1.5, "dimensione mercato": 4.5, "dimensione": 2.5, "grande": 1.5, "quanto grande": 2,
        "quota mercato": 3, "indirizzabile": 4, "potenziale": 1.5, "crescita": 1, "proiezione": 2.5,
        "investitore": 1.5, "calcolare": 0.5,
    },
    "channel_strategist": {
        "canale": 4, "canale marketing": 2, "canale acquisizione": 3, "pubblicità pagamento": 2, "pubblicità": 1,
        "fiera": 3, "evento": 2, "puntare": 1.5, "convenire": 1.5, "dove": 1.5, "investire": 1.5,
        "piattaforma": 1.5, "passaparola": 2,
    },
    "evidence_analyst": {
        "prova": 2.5, "verificare fatti": 2, "affermazione": 2.5, "statistica": 3.5, "cifra": 2, "credibile": 4,
        "credibilità": 4, "affidabile": 3.5, "attendibile": 3.5, "fonte": 3, "citazione": 2, "verificare": 3,
        "contraddizione": 4, "contraddire": 3, "comunicato stampa": 2.5, "studio": 1.5, "@verificare": 1,
        "verifica": 3.5,
    },
    "positioning_strategist": {
        "posizionamento": 5, "posizionare": 4, "differenziare": 4, "differenziarsi": 4, "differenziazione": 4,
        "proposta valore": 4.5, "messaggio": 1.5, "slogan": 3.5, "concorrente": 2, "concorrenza": 2,
        "categoria": 2.5, "unico": 3, "distinguersi": 3.5,
    },
    "unit_economics": {
        "costo acquisizione": 4.5, "valore vita cliente": 5, "redditizio": 3, "redditività": 3, "margine": 3,
        "margine lordo": 4, "costare": 1.5, "costo": 1.5, "ogni utente": 1.5, "utente costare": 2,
        "perdere soldi": 3, "guadagnare": 2, "ripagare": 3, "abbonamento": 1, "conviene": 0.5,
    },
    "launch_readiness": {
        "lancio": 3, "lanciare": 2, "pronto": 3, "checklist": 3.5, "lista controllo": 3.5, "bloccare": 3,
        "blocco": 3, "rimandare": 2, "uscita": 1,
    },
    "out_of_scope": {
        "@disegnare": 5, "@progettare": 1.5, "@pubblicare": 6, "@programmare": 3, "@tradurre": 5, "@esportare": 6,
        "@prenotare": 3.5, "logo": 5, "marchio logo": 1, "immagine": 2.5, "foto": 2, "codice": 4.5,
        "foglio calcolo": 3.5, "excel": 3.5, "copiare": 2.5, "tempo domani": 3.5, "meteo": 5, "barzelletta": 5,
        "poesia": 4, "password": 5, "tassa": 3.5, "contratto": 3, "avvocato": 3.5, "ogni mattina": 4,
        "automaticamente": 3, "traduzione": 4, "sito web": 1, "@inviare": 5,
    },
}  # fmt: skip
