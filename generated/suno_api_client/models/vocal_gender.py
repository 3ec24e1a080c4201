from enum import StrEnum


class VocalGender(StrEnum):
    F = "f"
    M = "m"

    def __str__(self) -> str:
        return str(self.value)
