from enum import StrEnum


class SunoModel(StrEnum):
    V3_5 = "V3_5"
    V4 = "V4"
    V4_5 = "V4_5"
    V4_5PLUS = "V4_5PLUS"
    V5 = "V5"

    def __str__(self) -> str:
        return str(self.value)
