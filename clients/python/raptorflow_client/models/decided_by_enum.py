from enum import StrEnum

class DecidedByEnum(StrEnum):
    EXPLICIT = "explicit"
    LEXICAL = "lexical"
    MODEL = "model"
    MODELLEXICAL = "model+lexical"

    def __str__(self) -> str:
        return str(self.value)
