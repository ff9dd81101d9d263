package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"hrss/access"
	"hrss/registry"
	"hrss/registry/ident"
	"hrss/rules/period"
	"hrss/store/storetest"
)

// TestPersonsCLIMasks: the listing masks for the operator too; show
// --reason opens the whole numbers, audited with the reason; a user whose
// role may not see them is refused.
func TestPersonsCLIMasks(t *testing.T) {
	g := []string{"--db", storetest.SQLitePath(t), "--key-file", filepath.Join(t.TempDir(), "hrss.key")}
	ctx := systemContext(context.Background())
	a, err := openApp(ctx, &globals{db: g[1], keyFile: g[3]})
	if err != nil {
		t.Fatal(err)
	}
	number := ident.NewResidentID("330402", period.Date{Y: 1979, M: 9, D: 9}, 91)
	p, err := a.registry.CreatePerson(ctx, registry.PersonInput{ResidentID: string(number), Name: "命令甲", ResidenceDivision: "330402", Phone: "13912345678"})
	if err == nil {
		_, err = a.access.CreateUser(ctx, access.UserInput{Name: "ana", Role: "analyst", Password: "a long enough password"})
	}
	a.close()
	if err != nil {
		t.Fatal(err)
	}
	whole := []string{string(number), "13912345678"}
	for _, args := range [][]string{{"persons", "list", "--name", "命令"}, {"persons", "list", "--json"}, {"persons", "show", strconv.FormatInt(p.ID, 10)}} {
		var out, errb bytes.Buffer
		if code := run(append(g, args...), nil, &out, &errb); code != 0 {
			t.Fatalf("hrss %v: exit %d: %s", args, code, errb.String())
		}
		for _, w := range whole {
			if strings.Contains(out.String(), w) {
				t.Errorf("hrss %v prints the whole %s:\n%s", args, w, out.String())
			}
		}
		if !strings.Contains(out.String(), number.Masked()) || !strings.Contains(out.String(), "139****5678") {
			t.Errorf("hrss %v does not show the masked numbers:\n%s", args, out.String())
		}
	}
	var got registry.Person
	runJSON(t, append(g, "persons", "show", "--reason", "核对身份", strconv.FormatInt(p.ID, 10)), &got)
	if got.ResidentID != number || got.Phone != "13912345678" {
		t.Fatalf("show --reason: %+v", got)
	}
	var out, errb bytes.Buffer
	if code := run(append(g, "persons", "show", "--reason", "curious", "--as", "ana", strconv.FormatInt(p.ID, 10)), nil, &out, &errb); code == 0 || !strings.Contains(errb.String(), "may not") {
		t.Errorf("an analyst reveals: exit %d %s %s", code, out.String(), errb.String())
	}
	a, err = openApp(ctx, &globals{db: g[1], keyFile: g[3]})
	if err != nil {
		t.Fatal(err)
	}
	defer a.close()
	es, err := a.access.ListAudit(ctx, access.AuditFilter{PersonID: p.ID, Action: "person.reveal", Limit: 10})
	if err != nil || len(es) != 1 || es[0].Reason != "核对身份" || es[0].Actor != "system" {
		t.Errorf("the reveal's audit: %+v %v", es, err)
	}
}
