package web_test

import (
	"encoding/json"
	"testing"

	"hrss/access"
	"hrss/registry"
	"hrss/store"
	"hrss/store/storetest"
)

// TestWhoLookedAtThisPerson: a caseworker's views of a person, with the
// reason the screen asked for, reach the auditor's answer, newest first,
// a page at a time; the trail verifies.
func TestWhoLookedAtThisPerson(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newApp(t, db)
		p, err := a.reg.CreatePerson(sysCtx, registry.PersonInput{ResidentID: rid("330402", 1980, 21), Name: "被查看", ResidenceDivision: "330402"})
		if err != nil {
			t.Fatal(err)
		}
		other, _ := a.reg.CreatePerson(sysCtx, registry.PersonInput{ResidentID: rid("330402", 1981, 23), Name: "旁人", ResidenceDivision: "330402"})
		a.user(t, access.UserInput{Name: "cw-zhang", Role: "caseworker", Divisions: []string{"330402"}})
		a.user(t, access.UserInput{Name: "aud", Role: "auditor"})
		cw, aud := a.signIn(t, "cw-zhang"), a.signIn(t, "aud")
		if r := a.do(t, cw, "GET", "/api/v1/persons/"+id(p.ID), "", map[string]string{"Hrss-Reason": "窗口咨询 counter enquiry"}); r.status != 200 {
			t.Fatalf("view: %d %s", r.status, r.body)
		}
		a.do(t, cw, "GET", "/api/v1/persons?division=330402", "", nil)
		a.do(t, cw, "GET", "/api/v1/persons/"+id(other.ID), "", nil)

		type auditPage struct {
			Items      []access.Entry `json:"items"`
			NextBefore int64          `json:"next_before"`
		}
		var page auditPage
		r := a.do(t, aud, "GET", "/api/v1/audit?person_id="+id(p.ID), "", nil)
		if r.status != 200 || json.Unmarshal(r.body, &page) != nil {
			t.Fatalf("audit: %d %s", r.status, r.body)
		}
		var actions []string
		for _, e := range page.Items {
			actions = append(actions, e.Actor+" "+e.Action)
		}
		if len(page.Items) != 3 || actions[0] != "cw-zhang person.search" || actions[1] != "cw-zhang person.view" || actions[2] != "system person.create" {
			t.Fatalf("who looked at person %d: %v", p.ID, actions)
		}
		v := page.Items[1]
		if v.Role != access.Caseworker || v.Reason != "窗口咨询 counter enquiry" || v.IP != "127.0.0.1" || v.Object != "person/"+id(p.ID) {
			t.Errorf("the view is recorded without who, why or from where: %+v", v)
		}
		r = a.do(t, aud, "GET", "/api/v1/audit?person_id="+id(p.ID)+"&limit=2", "", nil)
		page = auditPage{}
		json.Unmarshal(r.body, &page)
		if len(page.Items) != 2 || page.NextBefore != page.Items[1].Seq {
			t.Fatalf("first page: %s", r.body)
		}
		r = a.do(t, aud, "GET", "/api/v1/audit?person_id="+id(p.ID)+"&limit=2&before="+id(page.NextBefore), "", nil)
		page = auditPage{}
		json.Unmarshal(r.body, &page)
		if len(page.Items) != 1 || page.Items[0].Action != "person.create" || page.NextBefore != 0 {
			t.Fatalf("second page: %s", r.body)
		}
		var rep access.Report
		r = a.do(t, aud, "GET", "/api/v1/audit/verify", "", nil)
		if r.status != 200 || json.Unmarshal(r.body, &rep) != nil || rep.Breach != nil || rep.Entries < 8 {
			t.Fatalf("verify: %d %s", r.status, r.body)
		}
		if r := a.do(t, cw, "GET", "/api/v1/audit?person_id="+id(p.ID), "", nil); r.status != 403 {
			t.Errorf("a caseworker reads the audit trail: %d", r.status)
		}
	})
}
