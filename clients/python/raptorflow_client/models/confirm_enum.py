from enum import StrEnum

class ConfirmEnum(StrEnum):
    ERASE_MY_ACCOUNT = "erase my account"

    def __str__(self) -> str:
        return str(self.value)
