package rules

import (
	"slices"

	"github.com/shopspring/decimal"

	"hrss/rules/fault"
	"hrss/rules/money"
	"hrss/rules/msg"
	"hrss/rules/period"
)

// ProjectionInput is what a projection needs; amounts in fen.
type ProjectionInput struct {
	Division          string
	Birth             period.YearMonth
	Category          Category
	From              period.YearMonth // the first month still to contribute (this month)
	Balance           money.Fen        // personal account balance now
	ContributionYears money.Dec        // contribution years so far, deemed years included
	Index             money.Dec        // average contribution index so far
	Wage              money.Fen        // monthly wage contributed on from now (before floor and ceiling)
	TransitionalYears money.Dec
	TransitionalIndex money.Dec
	Retire            period.YearMonth // the retirement month explained; 0: the statutory one
}

// ProjectionPoint is the outcome of retiring in one month.
type ProjectionPoint struct {
	Retire  period.YearMonth `json:"retire"`
	Age     int              `json:"age_months"`
	Account money.Fen        `json:"account"`         // at retirement
	Pension money.Fen        `json:"pension"`         // a month; 0 when not payable
	Short   bool             `json:"short,omitempty"` // contributions below the minimum then
	Chosen  bool             `json:"chosen,omitempty"`
}

// Projection is an estimate over the flexible retirement window, the
// chosen month explained.
type Projection struct {
	Retirement        RetirementResult
	Base              money.Fen // the contribution base used
	Points            []ProjectionPoint
	Chosen            period.YearMonth
	Pension           *PensionResult // of Chosen; nil when not payable
	PensionErr        error
	AccountAt         money.Fen
	ContributionYears money.Dec // at Chosen
	Index             money.Dec // at Chosen
}

// Project estimates the account and pension of in for each whole year of
// age in the flexible retirement window (and its ends, the statutory
// month and in.Retire), contributing on in.Wage (within the base limits
// of in.From) until the month before; the chosen month (in.Retire, else
// the statutory one) is explained with the Pension trace. It keeps the
// parameters in force now for the future (an estimate, not a decision).
// It fails with an Invalid error for input the rules refuse (the birth
// month, a division, a retirement month outside the window).
func (p *Params) Project(in ProjectionInput) (Projection, error) {
	var est Projection
	ret, err := p.RetirementAge(RetirementInput{Category: in.Category, Birth: in.Birth, Division: in.Division}, true)
	if err != nil {
		return est, err
	}
	est.Retirement = ret
	floor, ceiling, err := p.BaseLimits(in.Division, in.From)
	if err != nil {
		return est, err
	}
	est.Base = min(max(in.Wage, floor), ceiling)
	if in.Wage == 0 {
		est.Base = 0 // not contributing any more
	}
	wageIndex := money.Dec{}
	if est.Base > 0 {
		iw, err := p.IndexWage(in.Division, in.From)
		if err != nil {
			return est, err
		}
		wageIndex = est.Base.Dec().DivRound(iw.Dec(), 8)
	}
	// the retirement months: each whole year of age in the window, and the
	// window's ends and the statutory month
	months := []period.YearMonth{ret.EarliestMonth, ret.RetireMonth, ret.LatestMonth}
	for m := ret.EarliestMonth; m < ret.LatestMonth; m = m.Add(12) {
		months = append(months, m)
	}
	est.Chosen = ret.RetireMonth
	if in.Retire != 0 {
		if in.Retire < ret.EarliestMonth || in.Retire > ret.LatestMonth {
			return est, fault.InvalidMsg("retire", "pension.flexible_window", "error.pension.flexible_window", msg.Month("retire", in.Retire), msg.Month("earliest", ret.EarliestMonth), msg.Month("latest", ret.LatestMonth), msg.Month("statutory", ret.RetireMonth))
		}
		est.Chosen = in.Retire
		months = append(months, in.Retire)
	}
	slices.Sort(months)
	months = slices.Compact(months)
	for _, m := range months {
		if m < in.From {
			continue // already past: an estimate looks ahead
		}
		pt, res, acc, years, index, perr := projectAt(p, in, est.Base, wageIndex, m, m == est.Chosen)
		pt.Chosen = m == est.Chosen
		est.Points = append(est.Points, pt)
		if pt.Chosen {
			est.AccountAt, est.ContributionYears, est.Index = acc, years, index
			if perr != nil {
				est.PensionErr = perr
			} else {
				est.Pension = &res
			}
		}
		if perr != nil && fault.KindOf(perr) != fault.Invalid {
			return est, perr
		}
	}
	if est.Chosen < in.From {
		est.PensionErr = fault.InvalidMsg("retire", "pension.past", "error.pension.past", msg.Month("retire", est.Chosen))
	}
	return est, nil
}

// projectAt projects the account to retirement month m (contributions on
// base until the month before) and computes the pension then.
func projectAt(p *Params, in ProjectionInput, base money.Fen, wageIndex money.Dec, m period.YearMonth, explain bool) (ProjectionPoint, PensionResult, money.Fen, money.Dec, money.Dec, error) {
	pt := ProjectionPoint{Retire: m, Age: int(AgeAt(in.Birth, m))}
	n := m.Sub(in.From) // months still to contribute
	acc := in.Balance
	if n > 0 && base > 0 {
		ms := make([]AccountMonth, n)
		for i := range ms {
			ms[i] = AccountMonth{Period: in.From.Add(i), Base: base}
		}
		res, err := p.Account(AccountInput{Division: in.Division, OpeningYear: in.From.Year(), Opening: in.Balance, Months: ms, At: m.Add(-1), InterestToDate: true}, false)
		if err != nil {
			return pt, PensionResult{}, 0, money.Dec{}, money.Dec{}, err
		}
		acc = res.Balance
	}
	pt.Account = acc
	if base == 0 {
		n = 0
	}
	twelve := money.MustDec("12")
	soFar := in.ContributionYears.Mul(twelve)
	all := soFar.Add(decimal.NewFromInt(int64(n)))
	years := all.DivRound(twelve, 2)
	index := in.Index
	if all.IsPositive() {
		index = in.Index.Mul(soFar).Add(wageIndex.Mul(decimal.NewFromInt(int64(n)))).DivRound(all, 4)
	}
	res, err := p.Pension(PensionInput{Division: in.Division, Birth: in.Birth, Retire: m, AverageIndex: index, ContributionYears: years,
		TransitionalIndex: in.TransitionalIndex, TransitionalYears: in.TransitionalYears, AccountBalance: acc}, explain)
	if err != nil {
		pt.Short = true
		return pt, res, acc, years, index, err
	}
	pt.Pension = res.Total
	return pt, res, acc, years, index, nil
}
