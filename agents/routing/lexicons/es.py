"""Spanish: stopwords and the lexicon (words as simplemma lemmatises them; any inflected form may be written)."""

from __future__ import annotations

from ..text import words

STOPWORDS = words("""
    el la los las lo un una unos unas y e o u pero sino que qué quien cual cuál cuales cuáles de del al a en con
    sin por para entre sobre hasta desde hacia según yo tú tu él ella nosotros nosotras vosotros ellos ellas usted
    ustedes me te se nos os le les mi mis tus su sus nuestro nuestra nuestros nuestras es son soy somos está
    están estoy estamos ser estar era fue sido hay ha han he hemos haber tener tengo tiene tenemos tienen puedes
    puede podemos pueden podrías podría quiero quieres queremos debo debe debemos deberíamos debería hacer no
    sí ya muy más mas también todavía aun aún así como cómo este esta estos estas ese esa esos esas eso esto
    gracias hola por favor porfa algo le les nos
    """)

NOT_TYPOS: frozenset[str] = frozenset()

LEXICON: dict[str, dict[str, float]] = {
    "icp_architect": {
        "cliente ideal": 4.5, "público objetivo": 3, "cliente objetivo": 3.5, "buyer persona": 2, "persona": 3,
        "comprador": 2, "perfil cliente": 4, "decisor": 3, "segmento": 2, "quién comprar": 2.5, "quién": 1,
        "tipo empresa": 2.5, "vender primero": 1.5, "punto dolor": 3, "dirigir": 1, "venderle": 1.5,
    },
    "content_creator": {
        "escribir": 2, "redactar": 2, "artículo": 2, "artículo blog": 2, "entrada blog": 3, "publicación": 1.5,
        "post": 1.5, "pie foto": 3.5, "texto publicitario": 3, "anuncio": 1.5, "anunciar": 1.5, "titular": 2,
        "tweet": 3.5, "tuit": 3.5, "redes sociales": 2, "contenido": 1, "guion": 2, "@escribir": 1.5,
        "@redactar": 1.5,
    },
    "email_specialist": {
        "correo": 3, "correo electrónico": 2, "email": 3.5, "mail": 3, "asunto": 3, "línea asunto": 3,
        "tasa apertura": 4, "spam": 3.5, "carpeta spam": 2, "bandeja entrada": 2.5, "entregabilidad": 4,
        "bienvenida": 1.5, "seguimiento": 1.5, "secuencia": 2, "darse baja": 3,
    },
    "quality_checker": {
        "revisar": 2.5, "corregir": 3, "falta": 2, "falta ortografía": 2, "ortografía": 4.5, "gramática": 4.5,
        "error": 2, "legibilidad": 4, "calificar": 2.5, "nota": 2, "evaluar": 2, "calidad": 3.5, "voz marca": 3.5,
        "tono": 1, "texto": 1.5, "borrador": 1.5, "párrafo": 2.5, "@revisar": 1.5, "@calificar": 2, "@evaluar": 1.5,
        "@corregir": 1.5, "artículo": 1,
    },
    "move_strategist": {
        "movimiento": 3, "próximo movimiento": 2, "paso": 1.5, "fase": 3, "alianza": 3, "asociación": 2.5,
        "socio": 2, "expansión": 3, "nuevo mercado": 2, "iniciativa": 3, "hito": 2.5, "riesgo": 2,
        "probabilidad éxito": 3.5, "éxito": 1.5, "jugada": 3,
    },
    "campaign_planner": {
        "campaña": 3.5, "presupuesto": 1.5, "presupuesto campaña": 2, "repartir": 2, "reparto": 2, "tope diario": 4,
        "límite diario": 4, "generación lead": 3, "promoción": 2.5, "calendario": 1.5, "duración": 1, "partir": 0.5,
        "#money": 1, "planificar": 1, "navidad": 1,
    },
    "market_sizer": {
        "mercado": 1.5, "tamaño mercado": 4.5, "tamaño": 2.5, "grande": 1.5, "cuota mercado": 3, "direccionable": 4,
        "potencial": 1.5, "crecimiento": 1, "proyección": 2.5, "inversor": 1.5, "calcular": 0.5,
    },
    "channel_strategist": {
        "canal": 4, "canal marketing": 2, "canal adquisición": 3, "anuncio pagado": 2, "publicidad": 1, "feria": 3,
        "evento": 2, "priorizar": 1.5, "convenir": 1.5, "dónde": 1.5, "invertir": 1.5, "plataforma": 1.5,
        "boca oreja": 2,
    },
    "evidence_analyst": {
        "prueba": 2.5, "dato": 2, "verificar dato": 2, "afirmación": 2.5, "estadística": 3.5, "cifra": 2,
        "creíble": 4, "credibilidad": 4, "fiable": 3.5, "confiable": 3.5, "fuente": 3, "cita": 2, "verificar": 3,
        "contradicción": 4, "contradecir": 3, "comunicado prensa": 2.5, "estudio": 1.5, "@verificar": 1,
    },
    "positioning_strategist": {
        "posicionamiento": 5, "posicionar": 4, "diferenciar": 4, "diferenciarse": 4, "diferenciación": 4,
        "propuesta valor": 4.5, "mensaje": 1.5, "eslogan": 3.5, "competidor": 2, "competencia": 2, "categoría": 2.5,
        "único": 3, "destacar": 3,
    },
    "unit_economics": {
        "costo adquisición": 4.5, "coste adquisición": 4.5, "valor vida cliente": 5, "rentable": 3,
        "rentabilidad": 3, "margen": 3, "margen bruto": 4, "costar": 1.5, "costo": 1.5, "coste": 1.5,
        "cada usuario": 1.5, "usuario costar": 2, "perder dinero": 3, "recuperar inversión": 3, "suscripción": 1,
    },
    "launch_readiness": {
        "lanzamiento": 3, "lanzar": 2, "listo": 3, "preparado": 2.5, "lista verificación": 3.5, "checklist": 3.5,
        "bloquear": 3, "bloqueo": 3, "salir": 1, "retrasar": 2,
    },
    "out_of_scope": {
        "@diseñar": 5, "@publicar": 6, "@programar": 3, "@traducir": 5, "@exportar": 6, "@reservar": 3.5,
        "@pedir": 2, "logo": 5, "logotipo": 5, "imagen": 2.5, "foto": 2, "código": 4.5, "hoja cálculo": 3.5,
        "excel": 3.5, "copiar": 2.5, "contacto": 1, "tiempo mañana": 3.5, "clima": 4, "chiste": 5, "poema": 4,
        "contraseña": 5, "impuesto": 3.5, "contrato": 3, "abogado": 3.5, "cada mañana": 4, "todas mañanas": 4,
        "todos días": 2.5, "automáticamente": 3, "traducción": 4, "sitio web": 1, "@enviar": 5,
    },
}  # fmt: skip
