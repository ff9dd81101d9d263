package store_test

import (
	"context"
	"testing"

	"hrss/access"
	"hrss/registry"
	"hrss/registry/ident"
	"hrss/rules/fault"
	"hrss/store"
	"hrss/store/storetest"
)

// TestContractReveal: every read masks the resident ID and phone number,
// for every role; the whole numbers come only from RevealPerson or an
// export with Whole, to a role with RevealIdentity, for a reason, each
// audited with that reason.
func TestContractReveal(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		sys := access.WithCaller(context.Background(), access.System)
		s := service(t, db)
		number := rid("330402", 1988, 8, 8, 81)
		in := person(number, "揭示甲")
		in.Phone = "13812345678"
		p, err := s.CreatePerson(sys, in)
		if err != nil {
			t.Fatal(err)
		}
		e, err := s.CreateEmployer(sys, employer(3003, "嘉兴揭示有限公司"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateEmployment(sys, registry.EmploymentInput{PersonID: p.ID, EmployerID: e.ID, Start: "2024-01-01", DeclaredWage: "6000"}); err != nil {
			t.Fatal(err)
		}
		as := func(c access.Caller) context.Context { return access.WithCaller(context.Background(), c) }
		cw := as(access.Caller{UserID: 1, Name: "cw", Role: access.Caseworker, Divisions: []string{"330402"}})
		rv := as(access.Caller{UserID: 2, Name: "rv", Role: access.Reviewer, Divisions: []string{"330402"}})
		agent := as(access.Caller{UserID: 3, Name: "agent", Role: access.EmployerAgent, EmployerID: e.ID})
		me := as(access.Caller{UserID: 4, Name: "me", Role: access.Citizen, PersonID: p.ID})
		maskedID, maskedPhone := ident.ResidentID(number).Masked(), "138****5678"
		for name, ctx := range map[string]context.Context{"system": sys, "caseworker": cw, "reviewer": rv, "agent": agent, "citizen": me} {
			got, err := s.Person(ctx, p.ID)
			if err != nil || string(got.ResidentID) != maskedID || got.Phone != maskedPhone {
				t.Errorf("%s reads %q %q, %v; want masked", name, got.ResidentID, got.Phone, err)
			}
			ps, err := s.FindPersons(ctx, registry.PersonQuery{NamePrefix: "揭示"})
			if err != nil || len(ps) != 1 || string(ps[0].ResidentID) != maskedID || ps[0].Phone != maskedPhone {
				t.Errorf("%s lists %+v, %v; want one masked", name, ps, err)
			}
		}
		// the roles that may not see whole numbers are refused, reason or not
		for name, ctx := range map[string]context.Context{"agent": agent, "citizen": me} {
			if _, err := s.RevealPerson(ctx, p.ID, "curious"); fault.KindOf(err) != fault.Forbidden {
				t.Errorf("%s reveals: %v, want Forbidden", name, err)
			}
			if _, err := s.FindPersons(ctx, registry.PersonQuery{NamePrefix: "揭示", Whole: true, Reason: "curious"}); fault.KindOf(err) != fault.Forbidden {
				t.Errorf("%s exports whole numbers: %v, want Forbidden", name, err)
			}
		}
		// no reason: Invalid on the field reason
		_, err = s.RevealPerson(cw, p.ID, "  ")
		wantKind(t, err, fault.Invalid, "reason")
		_, err = s.FindPersons(cw, registry.PersonQuery{NamePrefix: "揭示", Whole: true})
		wantKind(t, err, fault.Invalid, "reason")
		// out of scope stays NotFound, as if it did not exist
		other := as(access.Caller{UserID: 5, Name: "cw411", Role: access.Caseworker, Divisions: []string{"330411"}})
		if _, err := s.RevealPerson(other, p.ID, "a reason"); fault.KindOf(err) != fault.NotFound {
			t.Errorf("out of scope reveal: %v", err)
		}
		got, err := s.RevealPerson(rv, p.ID, "核对申领材料")
		if err != nil || got.ResidentID != ident.ResidentID(number) || got.Phone != "13812345678" {
			t.Fatalf("reviewer reveals %+v, %v", got, err)
		}
		ps, err := s.FindPersons(cw, registry.PersonQuery{NamePrefix: "揭示", Whole: true, Reason: "报送省厅核对"})
		if err != nil || len(ps) != 1 || ps[0].ResidentID != ident.ResidentID(number) || ps[0].Phone != "13812345678" {
			t.Fatalf("export whole %+v, %v", ps, err)
		}
		audit := &access.Service{Store: db.Access()}
		for action, reason := range map[string]string{"person.reveal": "核对申领材料", "person.export_whole": "报送省厅核对"} {
			es, err := audit.ListAudit(sys, access.AuditFilter{PersonID: p.ID, Action: action, Limit: 10})
			if err != nil || len(es) != 1 || es[0].Reason != reason {
				t.Errorf("audit of %s: %+v, %v; want one entry with reason %q", action, es, err, reason)
			}
		}
	})
}
