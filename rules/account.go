package rules

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"hrss/rules/money"
	"hrss/rules/msg"
	"hrss/rules/period"
)

// AccountInput is a personal pension account's history to roll forward.
type AccountInput struct {
	Division    string           `json:"division"`
	OpeningYear int              `json:"opening_year"` // the opening balance is at 1 January of this year
	Opening     money.Fen        `json:"opening"`
	Months      []AccountMonth   `json:"months"` // contribution months, ascending, from OpeningYear-01 to At
	At          period.YearMonth `json:"at"`     // the balance is at the end of this month
	// InterestToDate adds interest for the months elapsed in At's year, as
	// when a pension starts mid-year (RULES.md §2 [U]); otherwise interest
	// is credited only at each year end.
	InterestToDate bool `json:"interest_to_date"`
}

// AccountMonth is the individual contribution base of one month.
type AccountMonth struct {
	Period period.YearMonth `json:"period"`
	Base   money.Fen        `json:"base"`
}

// AccountYear is one year of the account's roll-forward.
type AccountYear struct {
	Year     int       `json:"year"`
	Opening  money.Fen `json:"opening"`
	Credits  money.Fen `json:"credits"`
	Rate     money.Dec `json:"rate"`
	Months   int       `json:"months"` // months of interest: 12, fewer mid-year, 0 if none yet
	Interest money.Fen `json:"interest"`
	Closing  money.Fen `json:"closing"`
}

// AccountResult is the balance of a personal account at a month.
type AccountResult struct {
	Balance money.Fen     `json:"balance"`
	Years   []AccountYear `json:"years"`
	// Provisional is true when a year's crediting rate is not published
	// and an earlier year's rate was used.
	Provisional bool   `json:"provisional"`
	Trace       []Step `json:"trace,omitempty"`
}

// Account rolls a personal pension account forward (RULES.md §2): each
// month credits base × pension.account_rate (half-up to the fen, 8% from
// 2006-01-01); each year end adds
//
//	interest = opening × r + credits × r × pension.credit_interest_factor / 2
//
// with r the year's crediting rate (记账利率, pension.crediting_rate), half-up
// to the fen; the convention is unverified. With InterestToDate, the last,
// incomplete year takes k/12 of that interest for its k elapsed months
// (unverified). It fails with an Invalid error for months out of order or
// outside OpeningYear..At, or a year without a crediting rate.
func (p *Params) Account(in AccountInput, explain bool) (AccountResult, error) {
	if err := checkAccount(in); err != nil {
		return AccountResult{}, err
	}
	tr := newTrace(explain)
	if tr != nil {
		tr.input("opening", in.Opening.String())
		tr.input("opening_year", strconv.Itoa(in.OpeningYear))
		tr.input("months", strconv.Itoa(len(in.Months)))
	}
	tr.input("at", in.At.String())
	r := p.reader(in.Division, tr)
	res := AccountResult{Balance: in.Opening}
	k := 0
	for y := in.OpeningYear; y <= in.At.Year(); y++ {
		ay, prov, next, err := r.accountYear(in, y, k, res.Balance)
		if err != nil {
			return AccountResult{}, err
		}
		k = next
		res.Provisional = res.Provisional || prov
		res.Years = append(res.Years, ay)
		res.Balance = ay.Closing
	}
	tr.value("balance", res.Balance.String(), "trace.account.balance")
	res.Trace = tr.list()
	return res, nil
}

func checkAccount(in AccountInput) error {
	if in.At == 0 || in.OpeningYear < 1990 || in.OpeningYear > in.At.Year() {
		return invalid("opening_year", "account.years", "error.account.years", msg.Month("at", in.At))
	}
	if in.Opening < 0 {
		return invalid("opening", "account.opening", "error.account.opening")
	}
	prev := period.New(in.OpeningYear, 1) - 1
	for i, m := range in.Months {
		if m.Period <= prev || m.Period > in.At {
			return invalid("months", "account.months", "error.account.months_order", msg.Int("n", i+1), msg.Month("period", m.Period),
				msg.Month("first", period.New(in.OpeningYear, 1)), msg.Month("at", in.At))
		}
		if m.Base < 0 {
			return invalid("months", "account.months", "error.account.months_base", msg.Int("n", i+1), msg.Month("period", m.Period))
		}
		prev = m.Period
	}
	return nil
}

// accountYear rolls year y forward from opening, consuming in.Months from
// index k; it returns the year, whether its rate is provisional, and the
// index of the next year's first month.
func (r reader) accountYear(in AccountInput, y, k int, opening money.Fen) (AccountYear, bool, int, error) {
	ay := AccountYear{Year: y, Opening: opening}
	for ; k < len(in.Months) && in.Months[k].Period.Year() == y; k++ {
		m := in.Months[k]
		rate, err := r.dec(parAccountRate, m.Period.First())
		if err != nil {
			return ay, false, k, err
		}
		ay.Credits += money.RoundHalfUp(m.Base.Dec().Mul(rate))
	}
	ay.Months = 12
	if y == in.At.Year() && in.At.Month() < 12 {
		ay.Months = 0
		if in.InterestToDate {
			ay.Months = in.At.Month()
		}
	}
	prov, err := r.interest(&ay)
	ay.Closing = ay.Opening + ay.Credits + ay.Interest
	if r.on() {
		r.tr.value("year["+strconv.Itoa(y)+"]", ay.Closing.String(), "trace.account.year", msg.Fen("opening", ay.Opening), msg.Fen("credits", ay.Credits),
			msg.Fen("interest", ay.Interest), msg.Dec("rate", ay.Rate), msg.Int("months", ay.Months))
	}
	return ay, prov, k, err
}

// interest sets ay.Rate and ay.Interest for ay.Months months.
func (r reader) interest(ay *AccountYear) (bool, error) {
	if ay.Months == 0 {
		return false, nil
	}
	day := period.New(ay.Year, 1).First()
	v, err := r.get(parCreditingRate, day)
	if err != nil {
		return false, err
	}
	factor, err := r.dec(parCreditFactor, day)
	if err != nil {
		return false, err
	}
	ay.Rate = v.num
	prov := v.From.Y < ay.Year
	if prov {
		r.tr.note("trace.account.provisional", msg.Int("year", ay.Year), msg.Int("from", v.From.Y), msg.Text("rate", v.Text))
	}
	half := decimal.New(5, -1)
	x := ay.Opening.Dec().Mul(ay.Rate).Add(ay.Credits.Dec().Mul(ay.Rate).Mul(factor).Mul(half))
	x = x.Mul(decimal.NewFromInt(int64(ay.Months)))
	ay.Interest = money.Fen(x.Shift(2).DivRound(decimal.NewFromInt(12), 0).IntPart())
	return prov, nil
}

// String renders the result for an operator.
func (res AccountResult) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "  %4s %12s %10s %8s %6s %10s %12s\n", "year", "opening", "credits", "rate", "months", "interest", "closing")
	for _, y := range res.Years {
		fmt.Fprintf(&b, "  %4d %12s %10s %8s %6d %10s %12s\n", y.Year, y.Opening, y.Credits, y.Rate, y.Months, y.Interest, y.Closing)
	}
	fmt.Fprintf(&b, "Balance: %s", res.Balance)
	if res.Provisional {
		b.WriteString(" (provisional: a crediting rate is not yet published)")
	}
	b.WriteByte('\n')
	return b.String()
}
