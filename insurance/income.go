package insurance

import (
	"context"

	"hrss/rules/fault"
	"hrss/rules/money"
	"hrss/rules/period"
)

// MaxIncomeMonths bounds the months of one income view.
const MaxIncomeMonths = 120

// IncomeRow is the contribution income of one division in one period
// (and of one kind of payer when asked by payer kind), summed over the
// bills of the period's current run: no payer or person appears in it.
type IncomeRow struct {
	Period      period.YearMonth `json:"period"`
	Division    string           `json:"division"`
	PayerKind   PayerKind        `json:"payer_kind,omitzero"` // employer or flexible, by payer kind only
	Payers      int              `json:"payers"`              // bills: employers and flexible workers
	Persons     int              `json:"persons"`             // person-months billed
	Billed      money.Fen        `json:"billed"`              // due: assessed plus corrections' adjustments
	Paid        money.Fen        `json:"paid"`                // collections applied to the bills
	Outstanding money.Fen        `json:"outstanding"`         // still owed (each bill's unpaid part)
	Owing       int              `json:"owing"`               // bills with something still owed
	DueDate     period.Date      `json:"due_date"`            // the period's due date in the division
	Arrears     money.Fen        `json:"arrears"`             // of Outstanding, past the due date on the day of the view (欠费)
	InArrears   int              `json:"in_arrears"`          // of Owing, past the due date
	Overpaid    money.Fen        `json:"overpaid"`            // recorded overpayment
}

// IncomeTotal is the sum of an income view's rows.
type IncomeTotal struct {
	Billed      money.Fen `json:"billed"`
	Paid        money.Fen `json:"paid"`
	Outstanding money.Fen `json:"outstanding"`
	Arrears     money.Fen `json:"arrears"`
	InArrears   int       `json:"in_arrears"`
	Overpaid    money.Fen `json:"overpaid"`
}

// Income is contribution income, billed and paid, by division and period
// (征缴收入): aggregates for analysts and the divisions' staff.
type Income struct {
	From        period.YearMonth `json:"from"`
	To          period.YearMonth `json:"to"`
	Division    string           `json:"division,omitempty"` // the one division asked for, if any
	ByPayerKind bool             `json:"by_payer_kind,omitempty"`
	AsOf        period.Date      `json:"as_of"` // the day arrears are counted on: the service clock's today
	Items       []IncomeRow      `json:"items"` // in period, then division (then payer kind) order
	Total       IncomeTotal      `json:"total"`
}

// IncomeFilter selects an income view: the periods from..to, one
// division when Division is set, and rows per kind of payer (employers,
// flexible workers) when ByPayerKind.
type IncomeFilter struct {
	From, To    period.YearMonth
	Division    string
	ByPayerKind bool
}

// Income returns contribution income by division and period (and payer
// kind when f.ByPayerKind) for the periods f.From to f.To (at most
// MaxIncomeMonths): billed, paid, outstanding and overpaid, summed over
// the bills of each period's current run, and the arrears: what is still
// owed of the bills whose due date (rules.Params.DueDate of the division
// and period) has passed today, and how many bills owe it. Late fees are
// not in it (Arrears computes them payer by payer). Analysts and System see every division; caseworkers and
// reviewers the divisions of their scope (others' rows are left out).
// It holds no payer or person, and reads nothing personal, so it is not
// audited. It fails with Invalid naming from or to for a bad range, and
// Forbidden for employer agents, citizens and the other roles.
func (s *Service) Income(ctx context.Context, f IncomeFilter) (Income, error) {
	c, err := authorize(ctx, actIncome, "")
	if err != nil {
		return Income{}, err
	}
	if f.From == 0 {
		return Income{}, fault.Invalidf("from", "income.from", "the first period is required (YYYY-MM)")
	}
	if f.To == 0 {
		return Income{}, fault.Invalidf("to", "income.to", "the last period is required (YYYY-MM)")
	}
	if f.To < f.From {
		return Income{}, fault.Invalidf("to", "income.range", "the last period %s is before the first %s", f.To, f.From)
	}
	if n := int(f.To-f.From) + 1; n > MaxIncomeMonths {
		return Income{}, fault.Invalidf("to", "income.range", "%s to %s is %d months; at most %d", f.From, f.To, n, MaxIncomeMonths)
	}
	today := s.today()
	out := Income{From: f.From, To: f.To, Division: f.Division, ByPayerKind: f.ByPayerKind, AsOf: today, Items: []IncomeRow{}}
	var rows []IncomeRow
	err = s.Store.View(ctx, func(tx Tx) (err error) {
		rows, err = tx.Income(ctx, f)
		return err
	})
	if err != nil {
		return Income{}, err
	}
	for _, r := range rows {
		if !c.IsSystem() && c.DivisionScoped() && !c.InDivision(r.Division) {
			continue
		}
		if r.DueDate, err = s.Params.DueDate(r.Division, r.Period); err != nil {
			return Income{}, err
		}
		if r.DueDate.Before(today) {
			r.Arrears, r.InArrears = r.Outstanding, r.Owing
		}
		out.Items = append(out.Items, r)
		out.Total.Billed += r.Billed
		out.Total.Paid += r.Paid
		out.Total.Outstanding += r.Outstanding
		out.Total.Arrears += r.Arrears
		out.Total.InArrears += r.InArrears
		out.Total.Overpaid += r.Overpaid
	}
	return out, nil
}
