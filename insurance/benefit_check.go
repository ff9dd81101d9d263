package insurance

// InvOverpayments: what is netted from later payments and recovered
// (repaid) of a benefit overpayment never exceeds its amount; every
// netting names an overpayment that exists, of the same person, and keeps
// no more than its payment's amount.
const InvOverpayments = "overpayments_balance"

// The overpayments' invariant is checked after the others (its queries:
// store/insurance_check_benefit.go).
func init() { Invariants = append(Invariants, InvOverpayments) }
