"""UR timeframes: five business days from receipt (the 5:30 PM rule, weekends, California state holidays from the
`holidays` calendar), 72 hours expedited, and whether the decision date met it."""
import datetime as dt

from checker.render.timeframes import due, is_business_day, timeframe

D, T = dt.date, dt.datetime


def test_five_business_days_follow_the_day_of_receipt():
    assert due(D(2014, 6, 10)) == (D(2014, 6, 10), D(2014, 6, 17))  # Tuesday -> next Tuesday
    assert due(D(2014, 6, 14)) == (D(2014, 6, 14), D(2014, 6, 20))  # a Saturday: Monday is day one


def test_after_5_30_pm_counts_from_the_next_business_day():
    assert due(T(2014, 6, 13, 17, 30)) == (D(2014, 6, 13), D(2014, 6, 20))  # at 5:30 PM: that day
    assert due(T(2014, 6, 13, 17, 31)) == (D(2014, 6, 16), D(2014, 6, 23))  # a Friday evening: from Monday


def test_california_state_holidays_are_not_business_days():
    assert not is_business_day(D(2014, 11, 28))  # the day after Thanksgiving (a state, not a federal, holiday)
    assert not is_business_day(D(2014, 3, 31))  # Cesar Chavez Day
    assert due(D(2014, 11, 26)) == (D(2014, 11, 26), D(2014, 12, 5))


def test_expedited_is_72_hours_from_receipt_without_the_5_30_rule():
    assert due(T(2014, 6, 13, 17, 45), expedited=True) == (D(2014, 6, 13), D(2014, 6, 16))
    assert due(D(2014, 6, 13), expedited=True) == (D(2014, 6, 13), D(2014, 6, 16))


def test_a_late_decision_says_by_how_much():
    on_time = timeframe(D(2014, 6, 10), False, D(2014, 6, 17))
    assert on_time["met"] and on_time["days_late"] == 0 and on_time["due"] == "2014-06-17"
    late = timeframe(D(2014, 6, 10), False, D(2014, 6, 19))
    assert not late["met"] and late["days_late"] == 2
    assert timeframe(None, False, D(2014, 6, 19)) is None
