"""Numbers read from a page's query string. A value that is not a whole number, or lies outside what the page can
use (a year no calendar or period covers, an id below 1 or beyond the database's integers), reads as ``default``:
the page then shows what it shows without the parameter, never a server error."""

YEARS = (1900, 2200)  # the statistics' periods (analytics.periods.Period), with room for date arithmetic
MAX_ID = 2**63 - 1


def int_param(value, default=None, minimum=None, maximum=None):
    try:
        number = int(str(value).strip()) if value is not None and len(str(value)) <= 20 else None
    except ValueError:
        number = None
    if number is None or (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        return default
    return number


def id_param(value):
    """An id (or any count that starts at 1): 1 … 2**63 − 1, else None."""
    return int_param(value, None, 1, MAX_ID)


def year_param(value, default=None):
    return int_param(value, default, *YEARS)


def month_param(value, default=None):
    return int_param(value, default, 1, 12)
