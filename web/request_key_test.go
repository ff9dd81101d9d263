package web_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"hrss/store"
	"hrss/store/storetest"
)

var requestKeyRE = regexp.MustCompile(`name="request_key" value="([^"]+)"`)

// TestGrantPaymentRequestKey: a payment run asked for twice with one
// request key (the API's Idempotency-Key, the screen's form field) is
// made once: the repeat answers the first run, and a grant approved in
// between (here: given its account in between) is left for the next run,
// which another key makes. A bad key is refused naming the header.
func TestGrantPaymentRequestKey(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newSupCity(t, db)
		h2Account := c.stepUntil(t, "H2's account")
		pay := func(key string) response {
			return c.a.do(t, c.tok["city"], "POST", "/api/v1/grant-payments", "", map[string]string{"Idempotency-Key": key})
		}
		report := func(res response) (rep struct {
			Run       struct{ ID, Rows int64 }
			NoAccount []int64 `json:"no_account"`
			Repeated  bool
		}) {
			if err := json.Unmarshal(res.body, &rep); err != nil {
				t.Fatalf("%s: %v", res.body, err)
			}
			return rep
		}
		for _, bad := range []string{strings.Repeat("k", 129), "two words", "键"} {
			if res := pay(bad); res.status != 422 || res.json()["field"] != "Idempotency-Key" || res.json()["rule"] != "request.key" {
				t.Fatalf("the key %q: %d %s", bad, res.status, res.body)
			}
		}
		first := pay("pay-2026-03-01")
		if first.status != 201 {
			t.Fatalf("the first run: %d %s", first.status, first.body)
		}
		one := report(first)
		if one.Run.Rows != 1 || len(one.NoAccount) != 1 || one.Repeated {
			t.Fatalf("the first run: %s", first.body)
		}
		c.step(t, h2Account) // H2's grant is payable from now on
		again := pay("pay-2026-03-01")
		if rep := report(again); again.status != 200 || !rep.Repeated || rep.Run.ID != one.Run.ID || rep.Run.Rows != 1 {
			t.Fatalf("the repeat: %d %s", again.status, again.body)
		}
		if res := c.a.do(t, c.tok["city"], "GET", "/api/v1/grant-payments", "", nil); len(res.json()["items"].([]any)) != 1 {
			t.Fatalf("after the repeat: %s", res.body)
		}
		// the screen's form: its key, submitted twice, makes one run
		form := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
		page := c.a.do(t, c.tok["city"], "GET", "/grant-runs", "", nil)
		key := requestKeyRE.FindStringSubmatch(string(page.body))
		if key == nil {
			t.Fatalf("the pay form has no request key: %s", page.body)
		}
		for i, want := range []string{`id="pay-done"`, `id="pay-repeated"`} {
			res := c.a.do(t, c.tok["city"], "POST", "/grant-runs", "request_key="+key[1], form)
			if res.status != 200 || !strings.Contains(string(res.body), want) || (i == 0) == strings.Contains(string(res.body), `id="pay-repeated"`) {
				t.Fatalf("submit %d of the form: %d %s", i+1, res.status, res.body)
			}
			if next := requestKeyRE.FindStringSubmatch(string(res.body)); next == nil || next[1] == key[1] {
				t.Fatalf("the form shown again keeps its key: %v", next)
			}
		}
		runs := c.a.do(t, c.tok["city"], "GET", "/api/v1/grant-payments", "", nil)
		if l := runs.json()["items"].([]any); len(l) != 2 || l[0].(map[string]any)["rows"] != 1.0 {
			t.Fatalf("after the form: %s", runs.body)
		}
		// every grant is paid now: another key finds nothing to pay
		if res := pay("pay-2026-03-02"); res.status != 422 || res.json()["rule"] != "pay.nothing" {
			t.Fatalf("a new key after both runs: %d %s", res.status, res.body)
		}
	})
}
