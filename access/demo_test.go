package access_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"hrss/access"
	"hrss/registry"
	"hrss/registry/ident"
	"hrss/rules/fault"
	"hrss/rules/period"
	"hrss/store/storetest"
)

func TestCreateDemoUsers(t *testing.T) {
	db := storetest.SQLite(t)
	s, _ := newService(t, db)
	_, err := access.CreateDemoUsers(sys, s, access.DemoScope{Division: "330402"})
	wantRule(t, err, fault.NotFound, "not_found") // no city yet

	v, _ := ident.NewVault(make([]byte, 32))
	reg := &registry.Service{Store: db.Registry(), Vault: v}
	p, _ := reg.CreatePerson(sys, registry.PersonInput{ResidentID: string(ident.NewResidentID("330402", period.Date{Y: 1990, M: 1, D: 2}, 3)), Name: "示范", ResidenceDivision: "330402"})
	e, _ := reg.CreateEmployer(sys, registry.EmployerInput{CreditCode: string(ident.NewCreditCode('9', '1', "330402", 1)), Name: "示范公司",
		IndustrySection: "C", IndustryDivision: "39", Division: "330402", RiskClass: 1})
	if _, err := reg.CreateEmployment(sys, registry.EmploymentInput{PersonID: p.ID, EmployerID: e.ID, Start: "2024-01-01", DeclaredWage: "6000"}); err != nil {
		t.Fatal(err)
	}

	users, err := access.CreateDemoUsers(sys, s, access.DemoScope{Division: "330402"})
	if err != nil || len(users) != len(access.Roles) {
		t.Fatalf("%v %v", users, err)
	}
	ctx := context.Background()
	for _, u := range users {
		_, c, err := s.SignIn(ctx, access.Credentials{Name: u.Name, Password: u.Password}, "")
		if err != nil || c.Role != u.Role || string(u.Role) != u.Name {
			t.Fatalf("demo user %s: %+v %v", u.Name, c, err)
		}
		switch u.Role {
		case access.Caseworker, access.Reviewer:
			if strings.Join(c.Divisions, ",") != "330402" {
				t.Errorf("%s divisions %v", u.Name, c.Divisions)
			}
		case access.EmployerAgent:
			if c.EmployerID != e.ID {
				t.Errorf("agent of %d, want %d", c.EmployerID, e.ID)
			}
		case access.Citizen:
			if c.PersonID != p.ID {
				t.Errorf("citizen %d, want %d", c.PersonID, p.ID)
			}
		}
	}
	var out bytes.Buffer
	access.WriteDemoUsers(&out, users)
	if !strings.Contains(out.String(), users[0].Password) || !strings.Contains(out.String(), "caseworker, divisions [330402]") {
		t.Errorf("printed:\n%s", out.String())
	}
	// a second run resets the passwords
	again, err := access.CreateDemoUsers(sys, s, access.DemoScope{Division: "330402"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.SignIn(ctx, access.Credentials{Name: users[0].Name, Password: users[0].Password}, ""); err == nil {
		t.Error("the old demo password still works")
	}
	if _, _, err := s.SignIn(ctx, access.Credentials{Name: again[0].Name, Password: again[0].Password}, ""); err != nil {
		t.Error(err)
	}
}
