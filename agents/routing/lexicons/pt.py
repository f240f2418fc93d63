"""Portuguese (Brazil and Portugal): stopwords and the lexicon (words as simplemma lemmatises them)."""

from __future__ import annotations

from ..text import words

STOPWORDS = words("""
    o a os as um uma uns umas e ou mas que qual quais de do da dos das no na nos nas ao aos à às em com
    sem por pelo pela pelos pelas para pra entre sobre até desde eu tu ele ela nós vós eles elas você vocês me te
    se lhe lhes meu minha meus minhas teu tua seu sua seus suas nosso nossa nossos nossas é são sou somos está
    estão estou estamos ser estar era foi sido há tem têm temos ter tenho pode podes podemos podem poderia
    quero queremos devo deve devemos deveria devemos fazer não sim já muito mais também ainda assim como
    este esta estes estas esse essa esses essas isso isto aquele aquela obrigado obrigada olá oi por favor algo
    tudo lá aqui então
    """)

NOT_TYPOS: frozenset[str] = frozenset()

LEXICON: dict[str, dict[str, float]] = {
    "icp_architect": {
        "cliente ideal": 4.5, "público-alvo": 3, "público alvo": 3, "cliente alvo": 3.5, "persona": 4,
        "comprador": 2, "persona comprador": 2, "perfil cliente": 4, "decisor": 3, "segmento": 2, "quem": 1,
        "quem comprar": 2.5, "tipo empresa": 2.5, "vender primeiro": 1.5, "dor": 2,
    },
    "content_creator": {
        "escrever": 2, "redigir": 2, "artigo": 2, "artigo blog": 2, "publicação": 1.5, "post": 1.5, "legenda": 3.5,
        "texto publicitário": 3, "anúncio": 1.5, "anunciar": 1.5, "título": 1.5, "tweet": 3.5, "redes sociais": 2,
        "conteúdo": 1, "roteiro": 2, "@escrever": 1.5, "@redigir": 1.5,
    },
    "email_specialist": {
        "e-mail": 3.5, "email": 3.5, "mail": 3, "assunto": 3, "linha assunto": 3, "taxa abertura": 4, "spam": 3.5,
        "caixa entrada": 2.5, "entregabilidade": 4, "boas-vindas": 2, "bom vindo": 1.5, "acompanhamento": 1.5,
        "sequência": 2, "descadastrar": 3, "follow-up": 2.5,
    },
    "quality_checker": {
        "revisar": 2.5, "corrigir": 3, "erro": 2, "erro ortografia": 2, "ortografia": 4.5, "gramática": 4.5,
        "legibilidade": 4, "avaliar": 2, "nota": 2, "qualidade": 3.5, "voz marca": 3.5, "tom": 1, "texto": 1.5,
        "rascunho": 1.5, "parágrafo": 2.5, "@revisar": 1.5, "@avaliar": 2, "@corrigir": 1.5, "artigo": 1,
    },
    "move_strategist": {
        "jogada": 3, "próxima jogada": 2, "movimento": 3, "passo": 1.5, "fase": 3, "parceria": 3, "parceiro": 2,
        "expansão": 3, "novo mercado": 2, "iniciativa": 3, "marco": 2, "risco": 2, "chance sucesso": 3.5,
        "probabilidade sucesso": 3.5, "sucesso": 1.5,
    },
    "campaign_planner": {
        "campanha": 3.5, "orçamento": 1.5, "orçamento campanha": 2, "dividir": 2, "divisão": 2, "limite diário": 4,
        "teto diário": 4, "geração lead": 3, "promoção": 2.5, "calendário": 1.5, "duração": 1, "partir": 0.5,
        "#money": 1, "planejar": 1,
    },
    "market_sizer": {
        "mercado": 1.5, "tamanho mercado": 4.5, "tamanho": 2.5, "grande": 1.5, "participação mercado": 3,
        "endereçável": 4, "potencial": 1.5, "crescimento": 1, "projeção": 2.5, "investidor": 1.5, "calcular": 0.5,
    },
    "channel_strategist": {
        "canal": 4, "canal marketing": 2, "canal aquisição": 3, "anúncio pago": 2, "publicidade": 1, "feira": 3,
        "evento": 2, "priorizar": 1.5, "valer pena": 1.5, "onde": 1.5, "investir": 1.5, "plataforma": 1.5,
        "aparecer": 1, "encontrar internet": 1.5, "internet": 1,
    },
    "evidence_analyst": {
        "prova": 2.5, "fato": 2.5, "facto": 2.5, "verificar fato": 2, "afirmação": 2.5, "estatística": 3.5,
        "número": 1, "crível": 4, "credibilidade": 4, "confiável": 3.5, "fonte": 3, "citação": 2, "verificar": 3,
        "contradição": 4, "contradizer": 3, "comunicado imprensa": 2.5, "estudo": 1.5, "@verificar": 1,
    },
    "positioning_strategist": {
        "posicionamento": 5, "posicionar": 4, "diferenciar": 4, "diferenciação": 4, "proposta valor": 4.5,
        "mensagem": 1.5, "slogan": 3.5, "concorrente": 2, "concorrência": 2, "categoria": 2.5, "único": 3,
        "destacar": 3,
    },
    "unit_economics": {
        "custo aquisição": 4.5, "valor vida cliente": 5, "lucrativo": 3, "lucro": 2.5, "dar lucro": 2,
        "rentável": 3, "margem": 3, "margem bruta": 4, "custar": 1.5, "custo": 1.5, "cada usuário": 1.5,
        "usuário custar": 2, "perder dinheiro": 3, "assinatura": 1, "retorno": 1,
    },
    "launch_readiness": {
        "lançamento": 3, "lançar": 2, "pronto": 3, "preparado": 2.5, "checklist": 3.5, "lista verificação": 3.5,
        "bloquear": 3, "bloqueio": 3, "atrasar": 2,
    },
    "out_of_scope": {
        "@desenhar": 5, "@publicar": 6, "@programar": 3, "@traduzir": 5, "@exportar": 6, "@reservar": 3.5,
        "logo": 5, "logotipo": 5, "imagem": 2.5, "foto": 2, "código": 4.5, "planilha": 3.5, "excel": 3.5,
        "copiar": 2.5, "tempo amanhã": 3.5, "clima": 4, "piada": 5, "poema": 4, "senha": 5, "imposto": 3.5,
        "contrato": 3, "advogado": 3.5, "toda manhã": 4, "todo dia": 2.5, "automaticamente": 3, "tradução": 4,
        "site": 1, "@enviar": 5, "@postar": 5,
    },
}  # fmt: skip
