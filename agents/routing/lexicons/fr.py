"""French: stopwords and the lexicon (words as simplemma lemmatises them; any inflected form may be written)."""

from __future__ import annotations

from ..text import words

STOPWORDS = words("""
    le la les l un une des du de d au aux et ou mais donc car ni que qu quoi dont ce cet cette ces c ça ca
    je j tu il elle on nous vous ils elles me m te t se s moi toi lui leur leurs mon ma mes ton ta tes son sa ses
    notre nos votre vos est sont suis es sommes êtes était être avoir ai as a avons avez ont avait fait faire
    peux peut pouvons pouvez peuvent pourrais pourrait pourrions voudrais veux veut voulons dois doit devons
    devrions devrait faut il y en dans sur sous avec sans pour par chez entre vers pas ne n plus très bien
    aussi encore déjà si comme merci bonjour salut svp stp s'il plaît alors ceci cela
    quel quelle quels quelles est-ce ce-que
    """)

NOT_TYPOS: frozenset[str] = frozenset()

LEXICON: dict[str, dict[str, float]] = {
    "icp_architect": {
        "client idéal": 4.5, "clientèle cible": 3.5, "cible": 2, "client cible": 3.5, "persona": 4,
        "persona acheteur": 2, "acheteur": 2, "profil client": 4, "décideur": 3, "segment": 2, "qui acheter": 2.5,
        "qui": 1, "type entreprise": 2.5, "vendre priorité": 1.5, "point douleur": 3, "déclencheur achat": 3,
        "cibler": 2.5, "écarter": 1,
    },
    "content_creator": {
        "écrire": 2, "rédiger": 2, "article": 2, "article blog": 2, "billet": 2.5, "publication": 1.5, "post": 1.5,
        "légende": 3, "texte publicitaire": 3, "annonce": 1.5, "annoncer": 1.5, "titre": 1.5, "tweet": 3.5,
        "lettre information": 2.5, "réseau social": 2, "contenu": 1, "script vidéo": 2, "@écrire": 1.5,
        "@rédiger": 1.5,
    },
    "email_specialist": {
        "mail": 3, "e-mail": 3.5, "email": 3.5, "courriel": 3.5, "objet": 2.5, "objet mail": 3, "taux ouverture": 4,
        "spam": 3.5, "indésirable": 3, "délivrabilité": 4, "bienvenue": 1.5, "relance": 2.5, "boîte réception": 2.5,
        "séquence": 2, "désabonnement": 3, "emailing": 3.5,
    },
    "quality_checker": {
        "relire": 4, "relecture": 4, "corriger": 3, "faute": 3.5, "orthographe": 4.5, "grammaire": 4.5,
        "lisibilité": 4, "note": 2.5, "noter": 2, "évaluer": 2, "qualité": 3.5, "voix marque": 3.5, "avis": 1.5,
        "texte": 1.5, "brouillon": 1.5, "paragraphe": 2.5, "coquille": 3, "@relire": 2, "@évaluer": 1.5,
        "@noter": 1.5, "@corriger": 1.5, "article": 1,
    },
    "move_strategist": {
        "action marketing": 2, "prochaine action": 2.5, "prochain étape": 2.5, "étape": 1.5, "phase": 3,
        "partenariat": 3, "partenaire": 2, "expansion": 3, "nouveau marché": 2, "initiative": 3, "jalon": 2.5,
        "risque": 2, "chance succès": 3.5, "probabilité succès": 3.5, "succès": 1.5, "plusieurs phase": 1,
    },
    "campaign_planner": {
        "campagne": 3.5, "budget": 1.5, "budget campagne": 2, "répartir": 2, "répartition": 2,
        "plafond journalier": 4, "génération lead": 3, "promotion": 2.5, "calendrier": 1.5, "durée": 1,
        "à partir": 0.5, "#money": 1, "planifier": 1, "plan mesure": 3,
    },
    "market_sizer": {
        "marché": 1.5, "taille marché": 4.5, "taille": 2.5, "grand": 1.5, "part marché": 3, "adressable": 4,
        "potentiel": 1.5, "croissance": 1, "projection": 2.5, "investisseur": 1.5, "calculer": 0.5,
    },
    "channel_strategist": {
        "canal": 4, "canaux": 4, "canal marketing": 2, "canal acquisition": 3, "publicité payante": 2,
        "publicité": 1, "salon": 3, "événement": 2, "prioriser": 1.5, "valoir mieux": 1.5, "où": 1.5,
        "investir": 1.5, "plateforme": 1.5, "recommandation": 1.5, "bouche oreille": 2,
    },
    "evidence_analyst": {
        "preuve": 3, "affirmation": 2.5, "statistique": 3.5, "chiffre": 2, "crédible": 4, "crédibilité": 4,
        "fiable": 3.5, "fiabilité": 3.5, "source": 3, "citation": 3, "vérifier": 3, "contradiction": 4,
        "contredire": 3, "communiqué presse": 2.5, "étude": 1.5, "@vérifier": 1,
    },
    "positioning_strategist": {
        "positionnement": 5, "positionner": 4, "différencier": 4, "différenciation": 4, "démarquer": 4,
        "proposition valeur": 4.5, "message": 1.5, "slogan": 3.5, "accroche": 3, "concurrent": 2, "catégorie": 2.5,
        "unique": 3, "pitch": 2, "ressembler": 3, "autre outil": 2,
    },
    "unit_economics": {
        "coût acquisition": 4.5, "coût acquisition client": 2, "valeur vie client": 5, "rentable": 3,
        "rentabilité": 3, "marge": 3, "marge brute": 4, "retour investissement": 2, "coûter": 1.5, "coût": 1.5,
        "abonnement": 1, "utilisateur coûter": 2, "perdre argent": 3, "attrition": 3, "rembourser": 2,
        "délai récupération": 4,
    },
    "launch_readiness": {
        "lancement": 3, "lancer": 2, "prêt": 3, "prêts": 3, "mise en ligne": 3, "check-list": 3.5, "checklist": 3.5,
        "bloquer": 3, "bloquant": 3.5, "sortie": 1.5, "reporter": 2,
    },
    "out_of_scope": {
        "@publier": 6, "@programmer": 3, "@dessiner": 4, "@traduire": 5, "@exporter": 6, "@réserver": 3.5,
        "@commander": 3.5, "@coder": 5, "logo": 5, "logotype": 5, "image": 2.5, "photo": 2, "illustration": 3.5,
        "code": 4.5, "tableur": 3.5, "feuille calcul": 3.5, "excel": 3.5, "temps demain": 3.5, "météo": 5,
        "blague": 5, "poème": 4, "mot passe": 5, "impôt": 3.5, "contrat": 3, "avocat": 3.5, "tous matins": 4,
        "chaque matin": 4, "chaque jour": 2.5, "automatiquement": 3, "traduire": 5, "traduction": 4, "site web": 1,
        "@envoyer": 5, "@poster": 5,
    },
}  # fmt: skip
