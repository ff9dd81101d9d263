package rules

import (
	"strconv"

	"github.com/shopspring/decimal"

	"hrss/rules/money"
	"hrss/rules/msg"
	"hrss/rules/period"
)

// CalcBasePublished reports whether the calculation base of year (the
// pension.calc_base dated in that year) is in force in division: a
// pension starting in year and computed before it was published is
// provisional and is recomputed once it is (RULES.md §2). It fails when
// no base at all is in force on 1 January of year.
func (p *Params) CalcBasePublished(division string, year int) (bool, error) {
	v, err := p.reader(division, nil).lookup(parCalcBase, period.New(year, 1).First())
	if err != nil {
		return false, err
	}
	return v.From.Y >= year, nil
}

// RetirementInterestInput is a personal account in the year a pension
// starts: its balance on 1 January and the credits booked in the year.
type RetirementInterestInput struct {
	Division string           `json:"division"`
	Retire   period.YearMonth `json:"retire"`  // the first month of pension
	Opening  money.Fen        `json:"opening"` // balance on 1 January of the retirement year
	Credits  money.Fen        `json:"credits"` // credits booked in the retirement year
}

// RetirementInterestResult is the retirement year's interest to date.
type RetirementInterestResult struct {
	AccountYear
	// Provisional is true when the year's crediting rate is not
	// published and an earlier year's rate was used.
	Provisional bool   `json:"provisional"`
	Trace       []Step `json:"trace,omitempty"`
}

// RetirementInterest is the interest a personal account takes in the year
// its pension starts, for the months elapsed before the first month of
// pension (RULES.md §2: "A pension started mid-year takes interest for
// the months elapsed", unverified):
//
//	interest = (opening × r + credits × r × pension.credit_interest_factor / 2) × k / 12
//
// half-up to the fen, with r the year's crediting rate and k =
// Retire's month − 1 (none for a pension starting in January: the year
// before closed whole). Closing is the balance at retirement. It fails
// with an Invalid error for a negative amount or when no rate is in force.
func (p *Params) RetirementInterest(in RetirementInterestInput, explain bool) (RetirementInterestResult, error) {
	if in.Retire == 0 {
		return RetirementInterestResult{}, invalid("retire", "pension.months", "error.pension.months_required")
	}
	if in.Opening < 0 || in.Credits < 0 {
		return RetirementInterestResult{}, invalid("opening", "account.opening", "error.account.opening")
	}
	tr := newTrace(explain)
	tr.input("retire", in.Retire.String())
	tr.input("opening", in.Opening.String())
	tr.input("credits", in.Credits.String())
	r := p.reader(in.Division, tr)
	res := RetirementInterestResult{AccountYear: AccountYear{Year: in.Retire.Year(), Opening: in.Opening, Credits: in.Credits, Months: in.Retire.Month() - 1}}
	tr.value("months_elapsed", strconv.Itoa(res.Months), "trace.account.months_elapsed", msg.Month("retire", in.Retire))
	var err error
	if res.Provisional, err = r.interest(&res.AccountYear); err != nil {
		return RetirementInterestResult{}, err
	}
	if res.Months > 0 {
		tr.value("interest_to_date", res.Interest.String(), "trace.account.interest_to_date", msg.Fen("opening", in.Opening),
			msg.Fen("credits", in.Credits), msg.Dec("rate", res.Rate), msg.Int("months", res.Months))
	} else {
		tr.value("interest_to_date", res.Interest.String(), "trace.account.no_months_elapsed")
	}
	res.Closing = res.Opening + res.Credits + res.Interest
	tr.value("account_balance", res.Closing.String(), "trace.account.at_retirement")
	res.Trace = tr.list()
	return res, nil
}

// PensionAmount is the monthly amount of a pension in force from a month.
type PensionAmount struct {
	From   period.YearMonth `json:"from"`
	Amount money.Fen        `json:"amount"`
}

// PensionPaid is one month of pension paid.
type PensionPaid struct {
	Period period.YearMonth `json:"period"`
	Amount money.Fen        `json:"amount"`
}

// RecomputationInput is a provisional pension recomputed: its amount as
// decided and as recomputed with the published base, the amounts it was
// paid at (the first the decided one, each later one the yearly
// adjustment of its January) and the months paid.
type RecomputationInput struct {
	Division string          `json:"division"`
	Old      money.Fen       `json:"old"` // monthly as decided, provisional
	New      money.Fen       `json:"new"` // monthly as recomputed
	Amounts  []PensionAmount `json:"amounts"`
	Paid     []PensionPaid   `json:"paid"`
}

// BackPayMonth is one month paid: what was paid, what is due at the
// recomputed amount and the difference (negative: paid too much).
type BackPayMonth struct {
	Period     period.YearMonth `json:"period"`
	Paid       money.Fen        `json:"paid"`
	Due        money.Fen        `json:"due"`
	Difference money.Fen        `json:"difference"`
}

// RecomputationResult is the recomputed amounts from the same months and
// what is owed for the months paid.
type RecomputationResult struct {
	Amounts []PensionAmount `json:"amounts"`
	Months  []BackPayMonth  `json:"months"`
	// Difference is the sum of the months' differences: back pay when
	// positive, a recovery when negative.
	Difference money.Fen `json:"difference"`
	Trace      []Step    `json:"trace,omitempty"`
}

// PensionRecomputation computes what a provisional pension recomputed
// with its year's published base owes for the months already paid
// (RULES.md §2: "recomputed once the new one is out"): the recomputed
// amount from the first month, each later amount the yearly adjustment of
// its year applied to the recomputed one (PensionAdjustment, rounded up
// to the next 0.1 yuan, 见分进角), and per month paid the amount due less
// the amount paid. Every amount is in fen, so the differences and their
// sum are exact and are not rounded again. It fails with an Invalid error
// when the amounts do not start with Old, a later amount is not the
// yearly adjustment of its January, or a month paid lies before the first
// amount or out of order.
func (p *Params) PensionRecomputation(in RecomputationInput, explain bool) (RecomputationResult, error) {
	if len(in.Amounts) == 0 || in.Amounts[0].Amount != in.Old || in.New <= 0 {
		return RecomputationResult{}, invalid("amounts", "pension.recompute", "error.pension.recompute_first", msg.Fen("old", in.Old))
	}
	tr := newTrace(explain)
	tr.input("old", in.Old.String())
	tr.input("new", in.New.String())
	tr.input("months_paid", strconv.Itoa(len(in.Paid)))
	r := p.reader(in.Division, tr)
	res := RecomputationResult{Amounts: []PensionAmount{{From: in.Amounts[0].From, Amount: in.New}}}
	tr.value("monthly["+in.Amounts[0].From.String()+"]", in.New.String(), "trace.recompute.decided", msg.Fen("old", in.Old))
	for i := 1; i < len(in.Amounts); i++ {
		a, prev := in.Amounts[i], in.Amounts[i-1]
		if a.From.Month() != 1 || a.From <= prev.From {
			return RecomputationResult{}, invalid("amounts", "pension.recompute", "error.pension.recompute_adjustment", msg.Month("from", a.From))
		}
		was, _, err := p.reader(in.Division, nil).yearlyAdjustment(a.From.Year(), prev.Amount)
		if err != nil {
			return RecomputationResult{}, err
		}
		if was != a.Amount {
			return RecomputationResult{}, invalid("amounts", "pension.recompute", "error.pension.recompute_adjustment", msg.Month("from", a.From))
		}
		last := res.Amounts[len(res.Amounts)-1].Amount
		adj, rate, err := r.yearlyAdjustment(a.From.Year(), last)
		if err != nil {
			return RecomputationResult{}, err
		}
		res.Amounts = append(res.Amounts, PensionAmount{From: a.From, Amount: adj})
		tr.value("monthly["+a.From.String()+"]", adj.String(), "trace.recompute.adjusted", msg.Int("year", a.From.Year()), msg.Fen("prev", last),
			msg.Dec("rate", rate), msg.Fen("old", a.Amount))
	}
	prev := period.YearMonth(0)
	for _, m := range in.Paid {
		if m.Period < in.Amounts[0].From || m.Period <= prev {
			return RecomputationResult{}, invalid("paid", "pension.recompute", "error.pension.recompute_month", msg.Month("period", m.Period), msg.Month("from", in.Amounts[0].From))
		}
		prev = m.Period
		bm := BackPayMonth{Period: m.Period, Paid: m.Amount, Due: amountAt(res.Amounts, m.Period)}
		bm.Difference = bm.Due - bm.Paid
		res.Months = append(res.Months, bm)
		res.Difference += bm.Difference
		tr.value("back_pay["+m.Period.String()+"]", bm.Difference.String(), "trace.recompute.month", msg.Fen("due", bm.Due), msg.Fen("paid", bm.Paid))
	}
	tr.value("difference", res.Difference.String(), "trace.recompute.difference", msg.Int("months", len(in.Paid)))
	switch {
	case res.Difference > 0:
		tr.note("trace.recompute.back_pay", msg.Fen("amount", res.Difference))
	case res.Difference < 0:
		tr.note("trace.recompute.recovery", msg.Fen("amount", -res.Difference))
	}
	res.Trace = tr.list()
	return res, nil
}

// amountAt is the amount of as in force in month p (as ascending, p not
// before the first).
func amountAt(as []PensionAmount, p period.YearMonth) money.Fen {
	amt := as[0].Amount
	for _, a := range as {
		if a.From <= p {
			amt = a.Amount
		}
	}
	return amt
}

// yearlyAdjustment is PensionAdjustment read through r: monthly × (1 +
// the rate in force on 1 January of year), rounded up to the next 0.1
// yuan, and the rate; Invalid when year's rate is not published.
func (r reader) yearlyAdjustment(year int, monthly money.Fen) (money.Fen, money.Dec, error) {
	v, err := r.get(parYearlyAdjustment, period.New(year, 1).First())
	if err != nil {
		return 0, money.Dec{}, err
	}
	if v.From.Y != year {
		return monthly, decimal.Zero, invalid("year", "pension.yearly_adjustment", "error.pension.yearly_adjustment", msg.Int("year", year), msg.Int("last", v.From.Y))
	}
	x := monthly.Dec().Mul(decimal.NewFromInt(1).Add(v.num))
	return money.RoundUpToJiao(x), v.num, nil
}
