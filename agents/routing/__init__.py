"""The dispatcher's language side: how a request in one of six languages becomes terms, and the curated lexicons.

- ``text``: normalisation, tokens, numbers, the English stemmer, weighted segments (quoted payload, long text).
- ``language``: which language a request is in (fastText's identifier, six languages).
- ``lexicons``: per language, stopwords and the lexicon (agent or out-of-scope → phrase → weight).
- ``terms``: a reader per language (lemmas, German compounds, English loanwords, spelling correction that
  leaves real words alone), from the tables ``compile`` builds from simplemma into ``compiled.json``.
- ``model``: the model's classification of a request, when a model chain is configured.

``agents.dispatcher`` scores the terms and decides.
"""
