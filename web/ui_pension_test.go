package web_test

import (
	"net/url"
	"strings"
	"testing"

	"hrss/access"
)

// TestUIPensionViewsAudited: the estimate from a person's record reads
// the person, the employments and the statement, whose entries the
// screen keeps and appends in one batch (access.DeferViews): all three
// are in the trail, one after the other, once the page is answered
// (TestDeferredViews shows they go in one batch).
func TestUIPensionViewsAudited(t *testing.T) {
	city := newBrowserCity(t)
	u := newUIClient(t, city.srv.URL)
	if r := u.do("POST", "/signin", url.Values{"username": {"cw402"}, "password": {city.password}}, nil); r.status != 200 {
		t.Fatalf("sign in: %d", r.status)
	}
	if r := u.do("GET", "/pension?person="+itoa(city.inside.ID), nil, nil); r.status != 200 || !strings.Contains(r.body, `id="pension-chart"`) {
		t.Fatalf("estimate: %d", r.status)
	}
	auditor := access.WithCaller(sysCtx, access.Caller{Name: "auditor", Role: access.Auditor})
	es, err := city.acc.ListAudit(auditor, access.AuditFilter{PersonID: city.inside.ID, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	var views []string
	for i, e := range es {
		if e.Actor != "cw402" {
			break
		}
		if i > 0 && e.Seq != es[i-1].Seq-1 {
			t.Errorf("the screen's views are not appended together: entry %d after %d", e.Seq, es[i-1].Seq)
		}
		views = append(views, e.Action)
	}
	if len(views) != 3 {
		t.Fatalf("the estimate's views in the trail: %v, want the person, the employments and the statement", views)
	}
}
