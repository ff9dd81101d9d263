package insurance

import (
	"context"
	"net/url"
	"strconv"

	"hrss/access"
	"hrss/rules/period"
)

// The lists of bills, payments and arrears show what employers and
// flexible workers owe and paid, and a flexible worker's bill is a
// person's: each list shown is audited (who, when, the filter as the
// object, the flexible workers in it as the persons shown), like every
// other view of personal data. The entry is appended after the read
// (access.Journal); if it cannot be, the list is not answered.

// auditList records that c was shown the list of kind with filter q
// (nil: none) holding the persons of payers.
func (s *Service) auditList(ctx context.Context, c access.Caller, kind string, q url.Values, payers []PayerRef) error {
	object := kind
	if e := q.Encode(); e != "" {
		object += "?" + e
	}
	var persons []int64
	for _, p := range payers {
		if p.Kind == PayerFlexible {
			persons = append(persons, p.ID)
		}
	}
	return s.Store.AppendAudit(ctx, c, s.now(), access.Event{Action: "insurance." + kind + ".list", Object: object, Subjects: persons})
}

// listQuery writes a list's filter: the fields that are set.
func listQuery(p period.YearMonth, kind PayerKind, payer int64, division string) url.Values {
	q := url.Values{}
	if p != 0 {
		q.Set("period", p.String())
	}
	if kind != 0 {
		q.Set("payer_kind", kind.String())
	}
	if payer != 0 {
		q.Set("payer_id", strconv.FormatInt(payer, 10))
	}
	if division != "" {
		q.Set("division", division)
	}
	return q
}

// auditBills records the list of bills f shown.
func (s *Service) auditBills(ctx context.Context, c access.Caller, f BillFilter, bills []Bill) error {
	q := listQuery(f.Period, f.PayerKind, f.PayerID, f.Division)
	if f.Unpaid {
		q.Set("unpaid", "true")
	}
	if f.After != (BillKey{}) {
		q.Set("after", f.After.Period.String()+"/"+f.After.PayerKind.String()+"/"+strconv.FormatInt(f.After.PayerID, 10))
	}
	if f.Limit != 0 {
		q.Set("limit", strconv.Itoa(f.Limit))
	}
	payers := make([]PayerRef, len(bills))
	for i, b := range bills {
		payers[i] = PayerRef{b.PayerKind, b.PayerID}
	}
	return s.auditList(ctx, c, "bills", q, payers)
}

// auditPayments records the list of payments shown.
func (s *Service) auditPayments(ctx context.Context, c access.Caller, p period.YearMonth, kind PayerKind, payer int64, pays []Payment) error {
	payers := make([]PayerRef, len(pays))
	for i, pay := range pays {
		payers[i] = PayerRef{pay.PayerKind, pay.PayerID}
	}
	return s.auditList(ctx, c, "payments", listQuery(p, kind, payer, ""), payers)
}

// auditArrears records the arrears shown.
func (s *Service) auditArrears(ctx context.Context, c access.Caller, a Arrears) error {
	payers := make([]PayerRef, len(a.Payers))
	for i, p := range a.Payers {
		payers[i] = PayerRef{p.PayerKind, p.PayerID}
	}
	return s.auditList(ctx, c, "arrears", url.Values{"as_of": {a.AsOf.String()}}, payers)
}
