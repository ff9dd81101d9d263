package rules

import (
	"fmt"

	"hrss/rules/money"
	"hrss/rules/period"
)

// Parameters of social insurance operations (rules/params/insurance_ops.yaml).
const (
	parDueMonthLag      = "contribution.due_month_lag"
	parDueDay           = "contribution.due_day"
	parYearlyAdjustment = "pension.yearly_adjustment_rate"
)

// AccountRatePPM returns pension.account_rate in force in division for
// period at, in parts per million, for the columnar crediting of a run
// (the credit is base × rate, half-up to the fen, as Contribution's
// AccountCredit). It fails when no value is in force.
func (p *Params) AccountRatePPM(division string, at period.YearMonth) (int64, error) {
	return p.reader(division, nil).ppm(parAccountRate, at.First())
}

// DueDate returns the date by which the bill of period at must be paid
// in division: day contribution.due_day (capped at the month's end) of
// the month contribution.due_month_lag months after the period. The late
// fee (LateFee) accrues from the day after. It fails when a parameter is
// not in force.
func (p *Params) DueDate(division string, at period.YearMonth) (period.Date, error) {
	r := p.reader(division, nil)
	lag, err := r.int(parDueMonthLag, at.First())
	if err != nil {
		return period.Date{}, err
	}
	day, err := r.int(parDueDay, at.First())
	if err != nil {
		return period.Date{}, err
	}
	m := at.Add(lag)
	return period.Date{Y: m.Year(), M: m.Month(), D: min(max(day, 1), period.DaysIn(m.Year(), m.Month()))}, nil
}

// AccountInterest is one year's interest on a personal account (RULES.md
// §2, the convention of Account): opening × r + credits × r ×
// pension.credit_interest_factor / 2, half-up to the fen, with r the
// year's crediting rate (pension.crediting_rate). The result's Provisional
// is true when the year's rate is not published and an earlier year's
// was used. It fails when no rate is in force.
func (p *Params) AccountInterest(division string, year int, opening, credits money.Fen) (AccountYear, bool, error) {
	ay := AccountYear{Year: year, Opening: opening, Credits: credits, Months: 12}
	prov, err := p.reader(division, nil).interest(&ay)
	ay.Closing = ay.Opening + ay.Credits + ay.Interest
	return ay, prov, err
}

// PensionAdjustment returns a monthly pension adjusted for year
// (基本养老金调整): monthly × (1 + pension.yearly_adjustment_rate in force
// on 1 January of year), the total rounded up to the next 0.1 yuan like a
// new pension (见分进角), and the rate used. A pension that starts on or
// after 1 January of year is not adjusted that year: the caller decides
// that. It fails when no rate is in force for the year.
func (p *Params) PensionAdjustment(division string, year int, monthly money.Fen) (money.Fen, money.Dec, error) {
	return p.reader(division, nil).yearlyAdjustment(year, monthly)
}

// LateFeeDays is LateFee with the number of days: the fee on unpaid from
// the day after due to to (inclusive), half-up to the fen, and the days
// counted; zero days (to on or before due) is no fee.
func (p *Params) LateFeeDays(unpaid money.Fen, due, to period.Date, division string) (money.Fen, int, error) {
	days := due.DaysUntil(to)
	if days <= 0 || unpaid <= 0 {
		return 0, max(days, 0), nil
	}
	fee, err := p.LateFee(unpaid, due, to, division)
	if err != nil {
		return 0, 0, fmt.Errorf("late fee: %w", err)
	}
	return fee, days, nil
}

// IndexWage returns the average wage against which the contribution
// base of period at is indexed (the wage BaseLimits uses: the one in
// force contribution.average_wage_lag months before the period), for
// the yearly contribution index of a pension (平均缴费指数). It fails
// when no value is in force.
func (p *Params) IndexWage(division string, at period.YearMonth) (money.Fen, error) {
	r := p.reader(division, nil)
	lag, err := r.int(parAverageWageLag, at.First())
	if err != nil {
		return 0, err
	}
	return r.fen(parAverageWage, at.Add(-lag).First())
}
