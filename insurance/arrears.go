package insurance

import (
	"context"
	"sort"

	"hrss/rules/fault"
	"hrss/rules/money"
	"hrss/rules/period"
)

// ArrearsBill is one bill owing principal or late fee on a date.
type ArrearsBill struct {
	Period    period.YearMonth `json:"period"`
	DueDate   period.Date      `json:"due_date"`
	Due       money.Fen        `json:"due"`
	Paid      money.Fen        `json:"paid"`      // applied by the as-of date
	Principal money.Fen        `json:"principal"` // unpaid on the as-of date
	Fee       money.Fen        `json:"fee"`       // late fee accrued to the as-of date
	Days      int              `json:"days"`      // days from the due date to the as-of date
}

// PayerArrears is what one payer owes on a date.
type PayerArrears struct {
	PayerKind PayerKind     `json:"payer_kind"`
	PayerID   int64         `json:"payer_id"`
	Division  string        `json:"division"`
	Principal money.Fen     `json:"principal"`
	Fee       money.Fen     `json:"fee"`
	Bills     []ArrearsBill `json:"bills"`
}

// Arrears is the arrears (欠费) of every payer on a date.
type Arrears struct {
	AsOf      period.Date    `json:"as_of"`
	Payers    []PayerArrears `json:"payers"`
	Principal money.Fen      `json:"principal"`
	Fee       money.Fen      `json:"fee"`
}

// Arrears lists, on date asOf, every payer with a bill past its due date
// that is unpaid or was paid late: the principal still unpaid and the
// late fee (滞纳金) accrued, by rules.Params.LateFee at
// contribution.late_fee_rate a day (社会保险法 Art. 86). The fee runs on
// the unpaid balance from the day after the due date; each payment
// lowers the balance from the day after it is made; each stretch is
// rounded half-up to the fen. Payments dated after asOf are ignored.
// Adjustments of corrections accrue from the bill's original due date
// (back payments, 补缴). It fails with Invalid for a zero date.
func (s *Service) Arrears(ctx context.Context, asOf period.Date) (Arrears, error) {
	if asOf.IsZero() {
		return Arrears{}, fault.Invalidf("as_of", "arrears.as_of", "the date is required (YYYY-MM-DD)")
	}
	bills, err := s.Bills(ctx, BillFilter{})
	if err != nil {
		return Arrears{}, err
	}
	out := Arrears{AsOf: asOf, Payers: []PayerArrears{}}
	byPayer := map[payerKey]int{}
	pays := map[period.YearMonth]map[payerKey][]Payment{}
	for _, b := range bills {
		if !b.DueDate.Before(asOf) {
			continue
		}
		if pays[b.Period] == nil {
			if pays[b.Period], err = s.periodPayments(ctx, b.Period); err != nil {
				return out, err
			}
		}
		ab, err := s.arrearsOf(b, pays[b.Period][payerKey{b.PayerKind, b.PayerID}], asOf)
		if err != nil {
			return out, err
		}
		if ab.Principal == 0 && ab.Fee == 0 {
			continue
		}
		k := payerKey{b.PayerKind, b.PayerID}
		i, ok := byPayer[k]
		if !ok {
			i = len(out.Payers)
			byPayer[k] = i
			out.Payers = append(out.Payers, PayerArrears{PayerKind: b.PayerKind, PayerID: b.PayerID, Division: b.Division})
		}
		pa := &out.Payers[i]
		pa.Bills = append(pa.Bills, ab)
		pa.Principal += ab.Principal
		pa.Fee += ab.Fee
		out.Principal += ab.Principal
		out.Fee += ab.Fee
	}
	sort.SliceStable(out.Payers, func(i, j int) bool {
		return out.Payers[i].Principal+out.Payers[i].Fee > out.Payers[j].Principal+out.Payers[j].Fee
	})
	return out, nil
}

func (s *Service) periodPayments(ctx context.Context, p period.YearMonth) (map[payerKey][]Payment, error) {
	var list []Payment
	err := s.Store.View(ctx, func(tx Tx) (err error) {
		list, err = tx.Payments(ctx, p, 0, 0)
		return err
	})
	m := map[payerKey][]Payment{}
	for _, pay := range list {
		if pay.Status == "applied" {
			k := payerKey{pay.PayerKind, pay.PayerID}
			m[k] = append(m[k], pay)
		}
	}
	return m, err
}

// arrearsOf computes the principal and the fee of one bill on asOf from
// its payments (in date order).
func (s *Service) arrearsOf(b Bill, pays []Payment, asOf period.Date) (ArrearsBill, error) {
	ab := ArrearsBill{Period: b.Period, DueDate: b.DueDate, Due: b.Due, Days: b.DueDate.DaysUntil(asOf)}
	unpaid, from := b.Due, b.DueDate
	for _, p := range pays {
		if asOf.Before(p.PaidOn) {
			break
		}
		if from.Before(p.PaidOn) {
			fee, _, err := s.Params.LateFeeDays(unpaid, from, p.PaidOn, b.Division)
			if err != nil {
				return ab, err
			}
			ab.Fee += fee
			from = p.PaidOn
		}
		unpaid -= p.Applied
		ab.Paid += p.Applied
	}
	fee, _, err := s.Params.LateFeeDays(unpaid, from, asOf, b.Division)
	ab.Fee += fee
	ab.Principal = max(unpaid, 0)
	return ab, err
}
