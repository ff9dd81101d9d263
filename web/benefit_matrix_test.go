package web_test

import (
	"context"
	"fmt"
	"testing"

	"hrss/access"
	"hrss/insurance"
	"hrss/rules/money"
)

// The cells of unemployment benefit from the record (benefit.go), merged
// into the authorization matrix at init. Their records: an overpayment
// of 1000.00 on a claim of a person of 330402 and one of 330411 (the
// matrix judges who may read and repay them; insurance's tests compute
// them), and an unemployment registration in each division (a refusal
// recorded on it stops nothing: the test server wires no hook).

// overFix are the records of one world: overpayments, their claims,
// registrations.
type overFix struct{ oA, oB, cA, cB, uA, uB int64 }

var overFixtures = map[*world]*overFix{}

func (w *world) overFix(t *testing.T) *overFix {
	t.Helper()
	if f := overFixtures[w]; f != nil {
		return f
	}
	f := &overFix{uA: w.freshUnemployed(t, "330402"), uB: w.freshUnemployed(t, "330411")}
	f.oA, f.cA = w.freshOverpayment(t, "330402")
	f.oB, f.cB = w.freshOverpayment(t, "330411")
	overFixtures[w] = f
	return f
}

// freshOverpayment records an overpayment of 1000.00 on a fresh claim of
// a person of div and returns it and the claim.
func (w *world) freshOverpayment(t *testing.T, div string) (int64, int64) {
	t.Helper()
	svc := insuranceOf[w.a.reg]
	cl, err := svc.Claim(sysCtx, w.freshClaim(t, div))
	if err != nil {
		t.Fatal(err)
	}
	o := insurance.Overpayment{ClaimID: cl.ID, PersonID: cl.PersonID, Amount: money.Fen(100000), Detail: []byte(`{}`), CreatedAt: svc.Now()}
	err = svc.Store.Update(context.Background(), func(tx insurance.Tx) error { return tx.InsertOverpayment(context.Background(), &o) })
	if err != nil {
		t.Fatal(err)
	}
	return o.ID, cl.ID
}

// receipts numbers the matrix's repayments.
var receipts int

// recovery is a repayment of 0.01 with a receipt reference of its own.
func (w *world) recovery(t *testing.T, over func(*overFix) int64) req {
	receipts++
	return req{fmt.Sprintf("/api/v1/overpayments/%d/recoveries", over(w.overFix(t))), fmt.Sprintf(`{"amount":"0.01","reference":"M-%d"}`, receipts)}
}

// overPath is a path of one of the world's benefit records.
func overPath(format string, of func(*overFix) int64) func(*testing.T, *world) req {
	return func(t *testing.T, w *world) req { return req{path: fmt.Sprintf(format, of(w.overFix(t)))} }
}

// overPost is a request with body to one of the world's benefit records.
func overPost(format, body string, of func(*overFix) int64) func(*testing.T, *world) req {
	return func(t *testing.T, w *world) req { return req{fmt.Sprintf(format, of(w.overFix(t))), body} }
}

var benefitMatrix = map[string]cell{
	"GET /api/v1/unemployment/{id}": {ok: []access.Role{access.Caseworker, access.Reviewer},
		in:  overPath("/api/v1/unemployment/%d", func(f *overFix) int64 { return f.uA }),
		out: overPath("/api/v1/unemployment/%d", func(f *overFix) int64 { return f.uB })},
	"POST /api/v1/unemployment/{id}/refusals": {ok: jobsCase,
		in:  overPost("/api/v1/unemployment/%d/refusals", `{"offer":"work","note":"warehouse clerk near home, refused without a reason"}`, func(f *overFix) int64 { return f.uA }),
		out: overPost("/api/v1/unemployment/%d/refusals", `{"offer":"training","note":"forklift course, refused without a reason"}`, func(f *overFix) int64 { return f.uB })},
	"GET /api/v1/claims/{id}/payments": {ok: []access.Role{access.Caseworker, access.Reviewer},
		in:  overPath("/api/v1/claims/%d/payments", func(f *overFix) int64 { return f.cA }),
		out: overPath("/api/v1/claims/%d/payments", func(f *overFix) int64 { return f.cB })},
	"GET /api/v1/overpayments": {ok: recordReaders,
		in: func(t *testing.T, w *world) req { w.overFix(t); return req{path: "/api/v1/overpayments"} },
		out: func(t *testing.T, w *world) req {
			w.overFix(t)
			return req{path: "/api/v1/overpayments?person_id=" + id(w.pB.ID)}
		}},
	"POST /api/v1/overpayments/{id}/recoveries": {ok: []access.Role{access.Caseworker},
		in:  func(t *testing.T, w *world) req { return w.recovery(t, func(f *overFix) int64 { return f.oA }) },
		out: func(t *testing.T, w *world) req { return w.recovery(t, func(f *overFix) int64 { return f.oB }) }},
}

func init() {
	for k, c := range benefitMatrix {
		matrix[k] = c
	}
}
