from tests.booking.conftest import market, postgres  # noqa: F401 - the booking fixtures, shared
