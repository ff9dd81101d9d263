package web_test

import (
	"fmt"
	"testing"

	"hrss/access"
	"hrss/insurance"
	"hrss/registry"
	"hrss/rules/period"
)

// The cells of late fees, credits and refunds in the authorization
// matrix (auth_matrix_test.go), merged into it at init. A refund to
// decide, a credit to refund or re-match, are made fresh per request
// (as the system) from an employer of the division overpaying its
// 2025-01 bill; a credit is re-matched to the employer's 2025-03 bill.

// freshCredit records (as the system) a fresh credit of the employer of
// div, overpaying its 2025-01 bill, and returns its payment reference.
func (w *world) freshCredit(t *testing.T, div string) (string, registry.Employer) {
	t.Helper()
	w.insFix(t)
	e := w.e1
	if div != "330402" {
		e = w.e2
	}
	creditSeq++
	ref := fmt.Sprintf("MX-%d", creditSeq)
	file := fmt.Sprintf("credit_code,period,amount,reference,date\n%s,2025-01,900000.00,%s,2025-02-10\n", e.CreditCode, ref)
	if _, err := insuranceOf[w.a.reg].ImportCollections(sysCtx, "matrix.csv", []byte(file)); err != nil {
		t.Fatal(err)
	}
	return ref, e
}

// freshRefund prepares a refund of a fresh credit of the employer of div.
func (w *world) freshRefund(t *testing.T, div string) int64 {
	t.Helper()
	ref, e := w.freshCredit(t, div)
	r, err := insuranceOf[w.a.reg].PrepareRefund(sysCtx, insurance.RefundInput{Credit: ref, Amount: "10.00", Holder: e.Name, Bank: "工商银行", Account: "6222020000000001", Reason: "matrix"})
	if err != nil {
		t.Fatal(err)
	}
	return r.ID
}

// refundBody is the body of a refund of a fresh credit of div.
func refundBody(div string) func(*testing.T, *world) req {
	return func(t *testing.T, w *world) req {
		ref, _ := w.freshCredit(t, div)
		return req{"/api/v1/refunds", `{"credit":"` + ref + `","holder":"x","bank":"y","account":"6222020000000001","reason":"z"}`}
	}
}

// rematchReq re-matches a fresh credit of div to its employer's 2025-03
// bill, assessed for it once per world.
func rematchReq(div string) func(*testing.T, *world) req {
	return func(t *testing.T, w *world) req {
		ref, e := w.freshCredit(t, div)
		if !rematchAssessed[w] {
			if _, err := insuranceOf[w.a.reg].Assess(sysCtx, period.New(2025, 3), insurance.AssessOptions{}); err != nil {
				t.Fatal(err)
			}
			rematchAssessed[w] = true
		}
		return req{"/api/v1/credits/" + ref + "/rematch", fmt.Sprintf(`{"period":"2025-03","payer_kind":1,"payer_id":%d}`, e.ID)}
	}
}

var rematchAssessed = map[*world]bool{}

// creditSeq numbers the matrix's payment references (w.fresh numbers
// resident IDs, of which a world has few).
var creditSeq int

func refundReq(action, div string) func(*testing.T, *world) req {
	return func(t *testing.T, w *world) req {
		return req{"/api/v1/refunds/" + id(w.freshRefund(t, div)) + "/" + action, `{"note":"matrix"}`}
	}
}

var moneyMatrix = map[string]cell{
	"POST /api/v1/late-fees/billings":          {ok: nobody, in: insPost("/api/v1/late-fees/billings", `{"as_of":"2025-03-01"}`)},
	"GET /api/v1/late-fees":                    {ok: staffAndAgents, in: insFixed("/api/v1/late-fees?period=2025-01")},
	"GET /api/v1/credits":                      {ok: staffAndAgents, in: insFixed("/api/v1/credits?open=true")},
	"POST /api/v1/credits/{reference}/rematch": {ok: []access.Role{access.Caseworker}, in: rematchReq("330402"), out: rematchReq("330411")},
	"GET /api/v1/refunds":                      {ok: staffAndAgents, in: insFixed("/api/v1/refunds")},
	"POST /api/v1/refunds":                     {ok: []access.Role{access.Caseworker}, in: refundBody("330402"), out: refundBody("330411")},
	"POST /api/v1/refunds/{id}/approve":        {ok: []access.Role{access.Reviewer}, in: refundReq("approve", "330402"), out: refundReq("approve", "330411")},
	"POST /api/v1/refunds/{id}/reject":         {ok: []access.Role{access.Reviewer}, in: refundReq("reject", "330402"), out: refundReq("reject", "330411")},
	"POST /api/v1/refund-runs":                 {ok: nobody, in: insPost("/api/v1/refund-runs", ``)},
	"GET /api/v1/refund-runs/{id}/bank-file":   {ok: nobody, in: insFixed("/api/v1/refund-runs/1/bank-file")},
	"POST /api/v1/refund-returns":              {ok: nobody, in: insPost("/api/v1/refund-returns", "reference,status,reason\nrefund:1,paid,\n")},
}

func init() {
	for k, c := range moneyMatrix {
		matrix[k] = c
	}
}
