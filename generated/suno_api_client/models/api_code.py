from enum import IntEnum


class ApiCode(IntEnum):
    VALUE_200 = 200
    VALUE_401 = 401
    VALUE_402 = 402
    VALUE_404 = 404
    VALUE_409 = 409
    VALUE_422 = 422
    VALUE_429 = 429
    VALUE_451 = 451
    VALUE_455 = 455
    VALUE_500 = 500

    def __str__(self) -> str:
        return str(self.value)
