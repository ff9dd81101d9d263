package insurance

// InvReviewedCorrections: every approved prepared correction names the
// correction it applied, of the same relation and periods, decided by a
// user other than its preparer; one still prepared or rejected names
// none; no correction is applied by two.
const InvReviewedCorrections = "corrections_reviewed"

// The reviewed corrections' invariant is checked after the others (its
// queries: store/insurance_check_reviewed.go).
func init() { Invariants = append(Invariants, InvReviewedCorrections) }
