package rules

import (
	"fmt"
	"strconv"

	"github.com/shopspring/decimal"

	"hrss/rules/money"
	"hrss/rules/msg"
	"hrss/rules/period"
)

// UnemploymentInput is a claim for unemployment benefit.
type UnemploymentInput struct {
	Division           string      `json:"division"`             // where the benefit is claimed
	Separated          period.Date `json:"separated"`            // the last day of employment
	Involuntary        bool        `json:"involuntary"`          // employment ended against the person's will
	ContributionMonths int         `json:"contribution_months"`  // cumulative months of unemployment insurance
	CarriedMonths      int         `json:"carried_months"`       // unused months of an earlier spell
	Registered         *bool       `json:"registered,omitempty"` // registered as unemployed and seeking work; absent means yes
	// RetirementMonth is the person's statutory retirement month, when
	// known (RetirementAge gives it): benefit runs to it when it is near.
	RetirementMonth period.YearMonth `json:"retirement_month,omitzero"`
}

// UnemploymentResult is the eligibility, duration and amount of benefit.
type UnemploymentResult struct {
	Eligible      bool      `json:"eligible"`
	Reason        string    `json:"reason"` // in English, for logs and the API as before; Why is the same as a message
	Why           Why       `json:"why"`
	MaxMonths     int       `json:"max_months"`
	MonthlyAmount money.Fen `json:"monthly_amount"`
	Trace         []Step    `json:"trace,omitempty"`
}

// UnemploymentBenefit decides a claim by 社会保险法 Art. 45 (eligible when
// employer and individual contributed at least
// unemployment.min_contribution_months, employment ended involuntarily and
// the person is registered as unemployed), Art. 46 (maximum months by
// whole contribution years from the unemployment.max_months table, plus
// carried months, at most unemployment.max_total_months) and Zhejiang's
// amount, unemployment.benefit_ratio × the monthly minimum wage of the
// division's tier on the separation date, half-up to the fen (RULES.md §4,
// [U]). An ineligible claim has 0 months and amount. It fails with an
// Invalid error for a missing date, negative months or a parameter not in
// force.
func (p *Params) UnemploymentBenefit(in UnemploymentInput, explain bool) (UnemploymentResult, error) {
	if in.Separated.IsZero() {
		return UnemploymentResult{}, invalid("separated", "unemployment.separated", "error.unemployment.separated")
	}
	if in.ContributionMonths < 0 || in.CarriedMonths < 0 {
		return UnemploymentResult{}, invalid("contribution_months", "unemployment.months", "error.unemployment.months")
	}
	tr := newTrace(explain)
	traceUnemploymentInput(tr, in)
	r := p.reader(in.Division, tr)
	res, err := r.unemployment(in)
	res.Trace = tr.list()
	return res, err
}

func traceUnemploymentInput(tr *trace, in UnemploymentInput) {
	if tr == nil {
		return
	}
	tr.input("division", in.Division)
	tr.input("separated", in.Separated.String())
	tr.input("involuntary", strconv.FormatBool(in.Involuntary))
	tr.input("contribution_months", strconv.Itoa(in.ContributionMonths))
	tr.input("carried_months", strconv.Itoa(in.CarriedMonths))
	tr.input("registered", strconv.FormatBool(in.Registered == nil || *in.Registered))
	if in.RetirementMonth != 0 {
		tr.input("retirement_month", in.RetirementMonth.String())
	}
}

func (r reader) unemployment(in UnemploymentInput) (UnemploymentResult, error) {
	day := in.Separated
	minMonths, err := r.int(parUnempMinMonths, day)
	if err != nil {
		return UnemploymentResult{}, err
	}
	months := []msg.Arg{msg.Int("months", in.ContributionMonths), msg.Int("min", minMonths)}
	var why Why
	if in.ContributionMonths < minMonths {
		why = append(why, Msg("reason.unemployment.months", months...))
	}
	if !in.Involuntary {
		why = append(why, Message{Key: "reason.unemployment.voluntary"})
	}
	if in.Registered != nil && !*in.Registered {
		why = append(why, Message{Key: "reason.unemployment.registered"})
	}
	if len(why) > 0 {
		why = append(Why{{Key: "reason.unemployment.not_eligible"}}, why...)
		res := UnemploymentResult{Reason: why.In(msg.EN), Why: why}
		r.tr.value("eligible", "false", "reason.unemployment.not_eligible")
		for _, m := range why[1:] {
			r.tr.note(m.Key, m.Args...)
		}
		return res, nil
	}
	why = Why{Msg("reason.unemployment.eligible", months...)}
	res := UnemploymentResult{Eligible: true, Reason: why.In(msg.EN), Why: why}
	r.tr.value("eligible", "true", "reason.unemployment.eligible", months...)
	if res.MaxMonths, err = r.benefitMonths(in, day); err != nil {
		return res, err
	}
	res.MonthlyAmount, err = r.benefitAmount(day)
	return res, err
}

// benefitMonths is Art. 46 with carried months.
func (r reader) benefitMonths(in UnemploymentInput, day period.Date) (int, error) {
	years := in.ContributionMonths / 12
	m, err := r.step(parUnempMaxMonths, day, years)
	if err != nil {
		return 0, err
	}
	capMonths, err := r.int(parUnempTotalMonths, day)
	if err != nil {
		return 0, err
	}
	n := min(int(m.IntPart())+in.CarriedMonths, capMonths)
	if r.on() {
		r.tr.value("max_months", strconv.Itoa(n), "trace.unemployment.max_months", msg.Dec("table", m), msg.Int("years", years), msg.Int("carried", in.CarriedMonths), msg.Int("cap", capMonths))
	}
	return r.untilRetirement(in, day, n)
}

// untilRetirement extends n to the statutory retirement month when, at
// the end of the n months, that month is fewer than
// unemployment.until_retirement_within_months away (RULES.md §4, [U]: a
// person whose benefit runs out less than a year before the statutory
// retirement age keeps it until that age). Benefit months are the months
// after the separation month; the last one is the month before the
// retirement month.
func (r reader) untilRetirement(in UnemploymentInput, day period.Date, n int) (int, error) {
	if in.RetirementMonth == 0 {
		return n, nil
	}
	within, err := r.int(parUnempToRetire, day)
	if err != nil {
		return n, err
	}
	end := day.Month().Add(n) // the last month of benefit
	gap := in.RetirementMonth.Sub(end)
	if gap <= 1 || gap >= within {
		return n, nil
	}
	total := in.RetirementMonth.Sub(day.Month()) - 1
	if r.on() {
		r.tr.value("max_months", strconv.Itoa(total), "trace.unemployment.until_retirement", msg.Month("retire", in.RetirementMonth), msg.Int("months", n), msg.Month("end", end), msg.Int("within", within))
	}
	return total, nil
}

// benefitAmount is the ratio × the division's monthly minimum wage.
func (r reader) benefitAmount(day period.Date) (money.Fen, error) {
	w, tier, err := r.minimumWage(day)
	if err != nil {
		return 0, err
	}
	ratio, err := r.dec(parUnempRatio, day)
	if err != nil {
		return 0, err
	}
	amt := money.RoundHalfUp(w.Dec().Mul(ratio))
	r.tr.value("monthly_amount", amt.String(), "trace.times_minimum_wage", msg.Dec("ratio", ratio), msg.Fen("wage", w), msg.Int("tier", tier))
	return amt, nil
}

// minimumWage returns the monthly minimum wage of the division's tier.
func (r reader) minimumWage(day period.Date) (money.Fen, int, error) {
	tier, err := r.int(parMinWageTier, day)
	if err != nil {
		return 0, 0, err
	}
	w, err := r.row(parMinWageMonthly, day, tier)
	if err != nil {
		return 0, 0, err
	}
	return money.RoundHalfUp(w), tier, nil
}

// MinimumWage returns the monthly minimum wage in force in division on
// day (Zhejiang's tiers, RULES.md §5) and the division's tier. It fails
// when no value is in force.
func (p *Params) MinimumWage(division string, day period.Date) (money.Fen, int, error) {
	return p.reader(division, nil).minimumWage(day)
}

// LateFee returns the late fee (滞纳金) on an unpaid amount: the daily rate
// contribution.late_fee_rate (社会保险法 Art. 86) × the days from the due
// date to the payment date (the due date excluded, the payment date
// included: a convention to confirm), half-up to the fen. It fails with an
// Invalid error when paid is not after due.
func (p *Params) LateFee(unpaid money.Fen, due, paid period.Date, division string) (money.Fen, error) {
	days := due.DaysUntil(paid)
	if days <= 0 || unpaid < 0 {
		return 0, invalid("paid", "late_fee.dates", "error.late_fee.dates", msg.Date("paid", paid), msg.Date("due", due))
	}
	rate, err := p.reader(division, nil).dec(parLateFeeRate, due.AddDays(1))
	if err != nil {
		return 0, err
	}
	return money.RoundHalfUp(unpaid.Dec().Mul(rate).Mul(decimal.NewFromInt(int64(days)))), nil
}

// String renders the result for an operator.
func (res UnemploymentResult) String() string {
	if !res.Eligible {
		return res.Reason + "\n"
	}
	return fmt.Sprintf("%s\nMaximum months:  %d\nMonthly amount:  %s\n", res.Reason, res.MaxMonths, res.MonthlyAmount)
}
