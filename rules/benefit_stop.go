package rules

import (
	"hrss/rules/money"
	"hrss/rules/period"
)

// BenefitMedical is the medical insurance contribution that the
// unemployment fund pays for a person for one month of benefit.
type BenefitMedical struct {
	Base   money.Fen `json:"base"`   // the contribution base it is computed on
	Rate   money.Dec `json:"rate"`   // medical.employer_rate + medical.individual_rate
	Amount money.Fen `json:"amount"` // Base × Rate, half-up to the fen
}

// UnemploymentMedical returns the medical insurance contribution the
// unemployment fund pays for month at of a benefit claimed in division
// (社会保险法 第四十八条): the base is
// unemployment.medical_base_floor_share × the month's contribution base
// floor (BaseLimits), half-up to the fen, and the rate the whole medical
// rate, employer's and individual's (medical.employer_rate +
// medical.individual_rate); the amount is base × rate, half-up to the
// fen (RULES.md §3, rounding). The base share is unverified (RULES.md §4
// has no figure). It fails when a parameter is not in force.
func (p *Params) UnemploymentMedical(division string, at period.YearMonth) (BenefitMedical, error) {
	r := p.reader(division, nil)
	l, err := r.limits(at)
	if err != nil {
		return BenefitMedical{}, err
	}
	day := at.First()
	share, err := r.dec(parUnempMedicalBase, day)
	if err != nil {
		return BenefitMedical{}, err
	}
	er, err := r.dec(parMedicalEmployer, day)
	if err != nil {
		return BenefitMedical{}, err
	}
	ir, err := r.dec(parMedicalIndiv, day)
	if err != nil {
		return BenefitMedical{}, err
	}
	m := BenefitMedical{Base: money.RoundHalfUp(l.floor.Dec().Mul(share)), Rate: er.Add(ir)}
	m.Amount = money.RoundHalfUp(m.Base.Dec().Mul(m.Rate))
	return m, nil
}

// RefusalsToStop returns how many refusals of suitable work offered,
// recorded on an unemployment registration, stop the benefit
// (unemployment.refusals_to_stop, 社会保险法 第五十一条第五项; unverified)
// in division on day. It fails when the parameter is not in force.
func (p *Params) RefusalsToStop(division string, day period.Date) (int, error) {
	return p.reader(division, nil).int(parUnempRefusals, day)
}

// DaysBefore returns the part of monthly owed for the days of stop's
// month before stop: monthly × (days before stop) / (days in the month),
// half-up to the fen (RULES.md §3, rounding: each amount half-up to the
// fen). A benefit that stops from the day of an event (社会保险法 第五十一条)
// is owed for the days before it; dividing by the calendar days of the
// month is hrss's convention, to confirm.
func DaysBefore(monthly money.Fen, stop period.Date) (money.Fen, int, int) {
	days, in := int64(stop.D-1), int64(period.DaysIn(stop.Y, stop.M))
	owed := (2*int64(monthly)*days + in) / (2 * in) // exact half-up in fen: monthly and days are not negative
	return money.Fen(owed), int(days), int(in)
}
