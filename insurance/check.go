package insurance

import (
	"context"
)

// The invariants Check verifies. Each is checked by the store in SQL over
// the whole database (the late fee due also in Go, by the rules).
const (
	// InvAssessedBilled: for every period's current run, each bill equals
	// the sum (and count) of the run's rows of its payer, and every row
	// has its bill.
	InvAssessedBilled = "assessed_equals_billed"
	// InvPaidBilled: the payments applied to a bill never exceed what is
	// due plus the overpayment recorded for it; every applied payment has
	// its bill; every payment's applied and overpaid parts add up to it.
	InvPaidBilled = "paid_within_billed"
	// InvAccountBalance: every year's account closing equals opening +
	// credits + interest, its opening the previous closing (or the
	// legacy balance), its credits those booked in the year.
	InvAccountBalance = "account_balance"
	// InvNoDoublePayment: no payment reference applied twice (also
	// spelled differently), no contribution month credited twice, no
	// benefit paid twice for a month.
	InvNoDoublePayment = "no_double_payment"
	// InvTraceable: every money row names the run, import, correction,
	// year close or payment run that made it, and that record exists
	// (a period's current run is a finished run).
	InvTraceable = "traceable"
	// InvLateFees: every late fee line belongs to a recorded billing
	// whose figures are its lines', no two standing lines of a bill cover
	// the same day, a reversal takes back exactly the line it names, no
	// bill's late fee paid exceeds the fee billed and credited, and (in
	// Go, feeDueBreaches) the standing lines of every bill not marked for
	// recomputation are the fee due on their days given every payment
	// known and the bill's principal as it stands.
	InvLateFees = "late_fees_billed"
	// InvCredits: no credit is used twice (what is re-matched and
	// refunded, failed refunds aside, of a payment's overpaid part, a
	// re-run's overpayment or a fee credit never exceeds it), every
	// overpayment names its payment, every re-match and every refund is
	// from a recorded credit, a refund is approved by another user than
	// its preparer, every issued refund is in a refund run whose total
	// is its refunds', every paid or failed one in a bank return (a
	// failed one with the bank's reason), and the credits left plus all
	// that was allocated and refunded equal the amounts collected plus
	// the overpayments and fee credits booked, to the fen.
	InvCredits = "credits_balance"
)

// Invariants lists the invariants in the order Check reports them.
var Invariants = []string{InvAssessedBilled, InvPaidBilled, InvAccountBalance, InvNoDoublePayment, InvTraceable, InvLateFees, InvCredits}

// CheckResult is the outcome of one invariant.
type CheckResult struct {
	Invariant string   `json:"invariant"`
	Checked   int      `json:"checked"`  // rows or groups examined
	Breaches  []string `json:"breaches"` // at most 50, each naming the row
	OK        bool     `json:"ok"`
}

// CheckReport is the outcome of Check.
type CheckReport struct {
	OK      bool          `json:"ok"`
	Results []CheckResult `json:"results"`
}

// maxBreaches bounds the breaches listed per invariant.
const maxBreaches = 50

// Check verifies every invariant over the whole database in one read
// transaction. A breach is reported, not an error; the error is for a
// failure to check.
func (s *Service) Check(ctx context.Context) (CheckReport, error) {
	if _, err := authorize(ctx, actBatch, ""); err != nil {
		return CheckReport{}, err
	}
	rep := CheckReport{OK: true}
	err := s.Store.View(ctx, func(tx Tx) error {
		rep.Results = rep.Results[:0]
		for _, inv := range Invariants {
			n, breaches, err := tx.CheckInvariant(ctx, inv, maxBreaches)
			if err != nil {
				return err
			}
			if inv == InvLateFees {
				more, err := s.feeDueBreaches(ctx, tx, maxBreaches-len(breaches))
				if err != nil {
					return err
				}
				breaches = append(breaches, more...)
			}
			if inv == InvPensionRecomputations { // its last part reads the parameters in force
				more, err := s.unflaggedProvisional(ctx, tx, maxBreaches-len(breaches))
				if err != nil {
					return err
				}
				breaches = append(breaches, more...)
			}
			r := CheckResult{Invariant: inv, Checked: n, Breaches: breaches, OK: len(breaches) == 0}
			if r.Breaches == nil {
				r.Breaches = []string{}
			}
			rep.OK = rep.OK && r.OK
			rep.Results = append(rep.Results, r)
		}
		return nil
	})
	return rep, err
}
