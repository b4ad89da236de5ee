"""English as written in Europe: day first, 24-hour clock (Django's "en" is US-style).

The *_FORMAT strings use Django's date format syntax; the *_INPUT_FORMATS,
Python's strftime syntax (Django adds the ISO formats to them, which is what
``<input type="date">`` sends).
"""

DATE_FORMAT = "j F Y"  # 25 October 2006
TIME_FORMAT = "H:i"  # 14:30
DATETIME_FORMAT = "j F Y H:i"  # 25 October 2006 14:30
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d/m/Y"  # 25/10/2006
SHORT_DATETIME_FORMAT = "d/m/Y H:i"  # 25/10/2006 14:30
FIRST_DAY_OF_WEEK = 1  # Monday

DATE_INPUT_FORMATS = [
    "%d/%m/%Y",  # 25/10/2006
    "%d/%m/%y",  # 25/10/06
    "%d.%m.%Y",  # 25.10.2006
]
TIME_INPUT_FORMATS = [
    "%H:%M:%S",  # 14:30:59
    "%H:%M:%S.%f",  # 14:30:59.000200
    "%H:%M",  # 14:30
]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M:%S",  # 25/10/2006 14:30:59
    "%d/%m/%Y %H:%M:%S.%f",  # 25/10/2006 14:30:59.000200
    "%d/%m/%Y %H:%M",  # 25/10/2006 14:30
    "%d/%m/%y %H:%M",  # 25/10/06 14:30
]
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
