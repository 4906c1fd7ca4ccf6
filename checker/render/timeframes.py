"""When a UR decision is due (Labor Code 4610(i), 8 CCR 9792.9.1): five business days from the receipt of the
DWC Form RFA, 72 hours when the review is expedited. Deterministic: the date of decision is the request's
review_date, and nothing reads the clock.

- 9792.9.1(a)(1): "A DWC Form RFA transmitted by facsimile after 5:30 PM Pacific Time shall be deemed to have been
  received by the claims administrator on the following business day, except in the case of an expedited or
  concurrent review." The regulation names facsimile; this module applies the rule to any receipt time given,
  and reads every time as Pacific time (the request refuses an offset).
- The day of receipt is not day one: the five business days are the five that follow it.
- A business day is neither a Saturday, a Sunday nor a California state holiday (Labor Code 4600.4(b)); the
  holidays come from the `holidays` package's US/CA calendar, not a list kept here. That calendar also counts
  days CalHR may not list as paid state holidays (Susan B. Anthony Day, 15 February): check a due date that
  spans one.
- Expedited: 72 hours from the receipt itself. With a date and no time, the decision is due by the end of the
  third day after it; the date of decision has no time, so a decision on the due date counts as in time.
- The delay of up to 14 days for information (9792.9.1(f)) is the letter's (render/letter.py: decision).
  Not handled: retrospective review (30 days)."""
import datetime as dt
from functools import lru_cache


CUTOFF = dt.time(17, 30)  # 5:30 PM Pacific Time


@lru_cache(maxsize=64)
def _holidays(year):
    import holidays  # only a letter with a receipt date needs the calendar (and it costs start-up time)
    return holidays.country_holidays("US", subdiv="CA", years=year)


def is_business_day(day):
    """Neither a weekend day nor a California state holiday."""
    return day.weekday() < 5 and day not in _holidays(day.year)


def _next_business_day(day):
    day += dt.timedelta(days=1)
    while not is_business_day(day):
        day += dt.timedelta(days=1)
    return day


def due(received, expedited=False):
    """(counted_from, due): the date the count starts from and the date the decision is due by."""
    day = received.date() if isinstance(received, dt.datetime) else received
    if expedited:
        return day, (received + dt.timedelta(hours=72)).date() if isinstance(received, dt.datetime) \
            else day + dt.timedelta(days=3)
    if isinstance(received, dt.datetime) and received.time() > CUTOFF:
        day = _next_business_day(day)  # deemed received on the following business day
    end = day
    for _ in range(5):
        end = _next_business_day(end)
    return day, end


def timeframe(received, expedited, decided):
    """The timeframe block of the JSON contract, or None without a receipt date."""
    if received is None:
        return None
    counted_from, due_by = due(received, expedited)
    late_by = (decided - due_by).days
    return {
        "rule": "72 hours (expedited review)" if expedited else "5 business days",
        "received": received.isoformat(sep=" ", timespec="minutes") if isinstance(received, dt.datetime)
        else received.isoformat(),
        "deemed_received": counted_from.isoformat(),
        "after_cutoff": bool(not expedited and isinstance(received, dt.datetime) and received.time() > CUTOFF),
        "due": due_by.isoformat(),
        "decided": decided.isoformat(),
        "met": late_by <= 0,
        "days_late": max(late_by, 0),
    }
