package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"hrss/access"
	"hrss/registry"
	"hrss/registry/ident"
	"hrss/rules/fault"
	"hrss/rules/period"
	"hrss/store"
	"hrss/store/storetest"
)

// The contract suite: the registry service over each engine must behave
// the same. Every test runs on SQLite, and on PostgreSQL when
// HRSS_TEST_POSTGRES is set.

var testKey = make([]byte, 32)

func service(t *testing.T, db *store.DB) *registry.Service {
	t.Helper()
	v, err := ident.NewVault(testKey)
	if err != nil {
		t.Fatal(err)
	}
	clock := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	return &registry.Service{Store: db.Registry(), Vault: v, Now: func() time.Time { return clock }}
}

func rid(div string, y, m, d, seq int) string {
	return string(ident.NewResidentID(div, period.Date{Y: y, M: m, D: d}, seq))
}

func person(id, name string) registry.PersonInput {
	return registry.PersonInput{ResidentID: id, Name: name, ResidenceDivision: "330402", Education: "bachelor"}
}

func employer(serial uint64, name string) registry.EmployerInput {
	return registry.EmployerInput{CreditCode: string(ident.NewCreditCode('9', '1', "330402", serial)), Name: name,
		IndustrySection: "C", IndustryDivision: "17", Division: "330402", RiskClass: 2}
}

func wantKind(t *testing.T, err error, k fault.Kind, field string) {
	t.Helper()
	var fe *fault.Error
	if !errors.As(err, &fe) || fe.Kind != k || (field != "" && fe.Field != field) {
		t.Fatalf("got error %v; want kind %d on field %q", err, k, field)
	}
}

func TestContractPersons(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := access.WithCaller(context.Background(), access.System)
		s := service(t, db)
		id := rid("330402", 1990, 5, 17, 123)
		p, err := s.CreatePerson(ctx, person(id, "王小明"))
		if err != nil {
			t.Fatal(err)
		}
		if p.ID == 0 || p.Sex != ident.Male || p.Birth != (period.Date{Y: 1990, M: 5, D: 17}) {
			t.Fatalf("created %+v", p)
		}
		if p.ResidentID != ident.ResidentID(id) {
			t.Fatalf("the creation does not echo the number given: %+v", p)
		}
		got, err := s.Person(ctx, p.ID)
		if err != nil || string(got.ResidentID) != ident.ResidentID(id).Masked() || got.Name != "王小明" || !got.CreatedAt.Equal(p.CreatedAt) {
			t.Fatalf("read back %+v, %v", got, err)
		}
		if got, err = s.RevealPerson(ctx, p.ID, "check the papers"); err != nil || got.ResidentID != ident.ResidentID(id) {
			t.Fatalf("revealed %+v, %v", got, err)
		}
		// duplicate resident ID: conflict, nothing written
		_, err = s.CreatePerson(ctx, person(id, "李四"))
		wantKind(t, err, fault.Conflict, "resident_id")
		// search by ID number, name prefix, division
		for _, q := range []registry.PersonQuery{{ResidentID: id}, {NamePrefix: "王小"}, {Division: "330402"}} {
			ps, err := s.FindPersons(ctx, q)
			if err != nil || len(ps) != 1 || ps[0].ID != p.ID || string(ps[0].ResidentID) != ident.ResidentID(id).Masked() {
				t.Fatalf("search %+v: %v %v", q, ps, err)
			}
		}
		ps, err := s.FindPersons(ctx, registry.PersonQuery{NamePrefix: "李"})
		if err != nil || len(ps) != 0 {
			t.Fatalf("search 李: %v %v", ps, err)
		}
		// update with graduation
		in := person(id, "王小明")
		in.Graduation = &registry.GraduationInput{School: "浙江某某学院", Major: "软件工程", Degree: "bachelor", Date: "2012-06-30"}
		in.Phone = "17000000001"
		up, err := s.UpdatePerson(ctx, p.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		got, _ = s.Person(ctx, p.ID)
		if got.Graduation == nil || got.Graduation.Date != (period.Date{Y: 2012, M: 6, D: 30}) || got.Phone != "170****0001" || !got.UpdatedAt.Equal(up.UpdatedAt) {
			t.Fatalf("after update %+v", got)
		}
		if got, _ = s.RevealPerson(ctx, p.ID, "call back"); got.Phone != "17000000001" {
			t.Fatalf("revealed phone %q", got.Phone)
		}
		_, err = s.Person(ctx, 999999)
		wantKind(t, err, fault.NotFound, "")
	})
}

func TestContractPaging(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := access.WithCaller(context.Background(), access.System)
		s := service(t, db)
		for i := 0; i < 7; i++ {
			if _, err := s.CreatePerson(ctx, person(rid("330411", 1980, 1, 1+i, 10+i), fmt.Sprintf("张%d", i))); err != nil {
				t.Fatal(err)
			}
		}
		var all []int64
		after := int64(0)
		for {
			ps, err := s.FindPersons(ctx, registry.PersonQuery{Page: registry.Page{After: after, Limit: 3}})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range ps {
				all = append(all, p.ID)
			}
			if len(ps) < 3 {
				break
			}
			after = ps[len(ps)-1].ID
		}
		if len(all) != 7 {
			t.Fatalf("paged through %d persons, want 7", len(all))
		}
		_, err := s.FindPersons(ctx, registry.PersonQuery{Page: registry.Page{Limit: 5000}})
		wantKind(t, err, fault.Invalid, "limit")
	})
}

func TestContractEmployments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := access.WithCaller(context.Background(), access.System)
		s := service(t, db)
		p, err := s.CreatePerson(ctx, person(rid("330402", 1985, 2, 28, 7), "陈一"))
		if err != nil {
			t.Fatal(err)
		}
		e, err := s.CreateEmployer(ctx, employer(1001, "嘉兴某某纺织有限公司"))
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.CreateEmployer(ctx, employer(1001, "重复"))
		wantKind(t, err, fault.Conflict, "credit_code")
		rel, err := s.CreateEmployment(ctx, registry.EmploymentInput{PersonID: p.ID, EmployerID: e.ID, Start: "2020-01-01", End: "2022-12-31", Separation: "dismissed", DeclaredWage: "6500.00"})
		if err != nil {
			t.Fatal(err)
		}
		if rel.DeclaredWage != 650000 || len(rel.Insurances) != 4 || !rel.Separation.Involuntary() {
			t.Fatalf("relation %+v", rel)
		}
		// overlapping relation with the same employer is refused
		_, err = s.CreateEmployment(ctx, registry.EmploymentInput{PersonID: p.ID, EmployerID: e.ID, Start: "2022-12-31", DeclaredWage: "7000"})
		wantKind(t, err, fault.Conflict, "start")
		// the day after is fine
		open, err := s.CreateEmployment(ctx, registry.EmploymentInput{PersonID: p.ID, EmployerID: e.ID, Start: "2023-01-01", DeclaredWage: "7000", Insurances: []string{"pension", "medical"}})
		if err != nil {
			t.Fatal(err)
		}
		if !open.Active(period.New(2026, 2)) || rel.Active(period.New(2023, 1)) {
			t.Fatal("Active is wrong")
		}
		// bad input names the field and writes nothing
		for _, c := range []struct {
			in    registry.EmploymentInput
			field string
		}{
			{registry.EmploymentInput{PersonID: p.ID, EmployerID: e.ID, Start: "2023-02-30", DeclaredWage: "1"}, "start"},
			{registry.EmploymentInput{PersonID: p.ID, EmployerID: e.ID, Start: "2024-01-01", End: "2023-01-01", Separation: "dismissed", DeclaredWage: "1"}, "end"},
			{registry.EmploymentInput{PersonID: p.ID, EmployerID: e.ID, Start: "2030-01-01", DeclaredWage: "12.345"}, "declared_wage"},
			{registry.EmploymentInput{PersonID: p.ID, EmployerID: e.ID, Start: "2030-01-01", DeclaredWage: "0"}, "declared_wage"},
			{registry.EmploymentInput{PersonID: 424242, EmployerID: e.ID, Start: "2030-01-01", DeclaredWage: "100"}, "person_id"},
			{registry.EmploymentInput{PersonID: p.ID, EmployerID: e.ID, Start: "2030-01-01", End: "2031-01-01", DeclaredWage: "100"}, "separation"},
		} {
			_, err := s.CreateEmployment(ctx, c.in)
			wantKind(t, err, fault.Invalid, c.field)
		}
		rels, err := s.ListEmployments(ctx, registry.EmploymentFilter{PersonID: p.ID})
		if err != nil || len(rels) != 2 {
			t.Fatalf("relations %v %v", rels, err)
		}
		// separate the open relation
		sep, err := s.UpdateEmployment(ctx, open.ID, registry.EmploymentInput{Start: "2023-01-01", End: "2026-01-31", Separation: "resignation", DeclaredWage: "7000"})
		if err != nil || sep.End != (period.Date{Y: 2026, M: 1, D: 31}) || sep.Separation.Involuntary() {
			t.Fatalf("separate %+v %v", sep, err)
		}
	})
}

func TestContractFlexible(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := access.WithCaller(context.Background(), access.System)
		s := service(t, db)
		p, _ := s.CreatePerson(ctx, person(rid("330483", 1979, 12, 31, 2), "周二"))
		f, err := s.EnrolFlexible(ctx, registry.FlexibleInput{PersonID: p.ID, Division: "330483", Start: "2024-03-01", BasePct: 60})
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.EnrolFlexible(ctx, registry.FlexibleInput{PersonID: p.ID, Division: "330483", Start: "2025-01-01", BasePct: 100})
		wantKind(t, err, fault.Conflict, "start")
		_, err = s.EnrolFlexible(ctx, registry.FlexibleInput{PersonID: p.ID, Division: "330483", Start: "2025-01-01", BasePct: 301})
		wantKind(t, err, fault.Invalid, "base_pct")
		got, err := s.Flexible(ctx, f.ID)
		if err != nil || got.BasePct != 60 || got.Start != (period.Date{Y: 2024, M: 3, D: 1}) {
			t.Fatalf("%+v %v", got, err)
		}
		list, err := s.ListFlexible(ctx, registry.FlexibleFilter{Division: "330483"})
		if err != nil || len(list) != 1 {
			t.Fatalf("%v %v", list, err)
		}
	})
}

// TestContractConcurrentWrites runs writers in parallel; every one must
// land (retries absorb serialization failures) and uniqueness must hold.
func TestContractConcurrentWrites(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := access.WithCaller(context.Background(), access.System)
		s := service(t, db)
		var wg sync.WaitGroup
		errs := make(chan error, 40)
		for i := 0; i < 20; i++ {
			wg.Add(2)
			go func() {
				defer wg.Done()
				_, err := s.CreatePerson(ctx, person(rid("330421", 1970, 1, 1, i), "并发"))
				errs <- err
			}()
			go func() { // the same number twice: exactly one of each pair can win
				defer wg.Done()
				_, err := s.CreatePerson(ctx, person(rid("330424", 1971, 1, 1, 500), "重复"))
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		conflicts := 0
		for err := range errs {
			if err != nil {
				if fault.KindOf(err) != fault.Conflict {
					t.Fatalf("unexpected error %v", err)
				}
				conflicts++
			}
		}
		if conflicts != 19 {
			t.Fatalf("%d conflicts, want 19", conflicts)
		}
		ps, _ := s.FindPersons(ctx, registry.PersonQuery{Page: registry.Page{Limit: 100}})
		if len(ps) != 21 {
			t.Fatalf("%d persons, want 21", len(ps))
		}
	})
}

func TestContractBulk(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := access.WithCaller(context.Background(), access.System)
		s := service(t, db)
		now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		var ps []registry.SealedPerson
		for i := 1; i <= 50; i++ {
			id := ident.NewResidentID("330481", period.Date{Y: 1960 + i%40, M: 1 + i%12, D: 1 + i%28}, i)
			ps = append(ps, registry.SealedPerson{Person: registry.Person{ID: int64(i), Name: fmt.Sprintf("批量%d", i), Sex: id.Sex(), Birth: id.Birth(),
				HukouDivision: "330481", ResidenceDivision: "330481", Education: registry.EduSenior, CreatedAt: now, UpdatedAt: now},
				IDSealed: s.Vault.Seal(id), IDHash: s.Vault.Hash(id)})
		}
		b := db.Bulk()
		if err := b.Persons(ctx, ps); err != nil {
			t.Fatal(err)
		}
		if err := b.Finish(ctx); err != nil {
			t.Fatal(err)
		}
		got, err := s.Person(ctx, 50)
		if err != nil || got.Name != "批量50" || got.Birth != ps[49].Birth {
			t.Fatalf("%+v %v", got, err)
		}
		// a normal insert after the bulk load gets a fresh ID
		p, err := s.CreatePerson(ctx, person(rid("330402", 2000, 2, 29, 11), "新人"))
		if err != nil || p.ID <= 50 {
			t.Fatalf("%+v %v", p, err)
		}
	})
}

// TestContractAgentHireNeedsResidentID: an employer agent cannot reach a
// person's record by recording a "hire" of a bare person ID; the hire
// needs the person's whole resident ID number.
func TestContractAgentHireNeedsResidentID(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		sys := access.WithCaller(context.Background(), access.System)
		s := service(t, db)
		e, err := s.CreateEmployer(sys, employer(2024, "嘉兴某某机械有限公司"))
		if err != nil {
			t.Fatal(err)
		}
		victimID := rid("330411", 1991, 4, 4, 55)
		in := person(victimID, "外区居民")
		in.ResidenceDivision = "330411"
		victim, err := s.CreatePerson(sys, in)
		if err != nil {
			t.Fatal(err)
		}
		agent := access.WithCaller(context.Background(), access.Caller{UserID: 9, Name: "agent", Role: access.EmployerAgent, EmployerID: e.ID})
		hire := registry.EmploymentInput{PersonID: victim.ID, EmployerID: e.ID, Start: "2025-01-01", DeclaredWage: "5000"}
		_, err = s.CreateEmployment(agent, hire)
		wantKind(t, err, fault.Invalid, "resident_id")
		hire.ResidentID = rid("330411", 1991, 4, 4, 57) // someone else's valid number
		_, err = s.CreateEmployment(agent, hire)
		wantKind(t, err, fault.Invalid, "resident_id")
		hire.PersonID = 999999 // no such person: the same answer
		_, err = s.CreateEmployment(agent, hire)
		wantKind(t, err, fault.Invalid, "resident_id")
		if _, err := s.Person(agent, victim.ID); fault.KindOf(err) != fault.NotFound {
			t.Fatalf("the agent sees the person: %v", err)
		}
		hire.PersonID, hire.ResidentID = victim.ID, victimID
		if _, err := s.CreateEmployment(agent, hire); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Person(agent, victim.ID); err != nil {
			t.Fatalf("after a real hire the agent sees the employee: %v", err)
		}
	})
}

// TestContractAgentLookupByIDIgnoresFilters: an agent's lookup by whole
// resident ID answers the same whatever name or division it adds, so the
// filters cannot tell the agent an unrelated person's name or division.
func TestContractAgentLookupByIDIgnoresFilters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		sys := access.WithCaller(context.Background(), access.System)
		s := service(t, db)
		e, _ := s.CreateEmployer(sys, employer(2025, "嘉兴某某纸业有限公司"))
		number := rid("330483", 1988, 8, 8, 71)
		in := person(number, "王某")
		in.ResidenceDivision = "330483"
		if _, err := s.CreatePerson(sys, in); err != nil {
			t.Fatal(err)
		}
		agent := access.WithCaller(context.Background(), access.Caller{UserID: 9, Name: "agent", Role: access.EmployerAgent, EmployerID: e.ID})
		for _, q := range []registry.PersonQuery{{ResidentID: number}, {ResidentID: number, NamePrefix: "王"}, {ResidentID: number, NamePrefix: "张"}, {ResidentID: number, Division: "330402"}} {
			ps, err := s.FindPersons(agent, q)
			if err != nil || len(ps) != 1 || ps[0].Name != "" || ps[0].ResidenceDivision != "" {
				t.Fatalf("%+v: %+v, %v", q, ps, err)
			}
		}
	})
}

// TestContractFlexibleNeedsPersonInReach: a caseworker enrols as flexible
// workers only persons of their divisions; another division's person
// answers as if they did not exist.
func TestContractFlexibleNeedsPersonInReach(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		sys := access.WithCaller(context.Background(), access.System)
		s := service(t, db)
		p, err := s.CreatePerson(sys, person(rid("330402", 1985, 5, 5, 91), "南湖居民"))
		if err != nil {
			t.Fatal(err)
		}
		cw := access.WithCaller(context.Background(), access.Caller{UserID: 4, Name: "cw", Role: access.Caseworker, Divisions: []string{"330411"}})
		_, err = s.EnrolFlexible(cw, registry.FlexibleInput{PersonID: p.ID, Division: "330411", Start: "2025-01-01", BasePct: 60})
		wantKind(t, err, fault.Invalid, "person_id")
	})
}

// TestContractApplyEmploymentsAllOrNothing: a batch of hires and wages is
// one transaction: a refused row fails it at that row and writes nothing.
func TestContractApplyEmploymentsAllOrNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		sys := access.WithCaller(context.Background(), access.System)
		s := service(t, db)
		e, _ := s.CreateEmployer(sys, employer(3030, "嘉兴某某食品有限公司"))
		var ids []int64
		for i := 0; i < 3; i++ {
			p, err := s.CreatePerson(sys, person(rid("330402", 1990+i, 3, 3, 61+2*i), "批次"))
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, p.ID)
		}
		hire := func(row int, id int64, start string) registry.EmploymentChange {
			return registry.EmploymentChange{Row: row, Input: registry.EmploymentInput{PersonID: id, EmployerID: e.ID, Start: start, DeclaredWage: "6000"}}
		}
		// row 4 overlaps row 2 (same person, same employer)
		err := s.ApplyEmployments(sys, []registry.EmploymentChange{hire(2, ids[0], "2025-01-01"), hire(3, ids[1], "2025-01-01"), hire(4, ids[0], "2025-06-01")})
		var fe *fault.Error
		if !errors.As(err, &fe) || fe.Kind != fault.Conflict || fe.Row != 4 {
			t.Fatalf("want a conflict at row 4, got %v", err)
		}
		if rels, _ := s.ListEmployments(sys, registry.EmploymentFilter{EmployerID: e.ID}); len(rels) != 0 {
			t.Fatalf("a refused batch wrote %d relations", len(rels))
		}
		// a bad field is refused before anything is read, also at its row
		bad := hire(5, ids[2], "2025-02-30")
		if err := s.ApplyEmployments(sys, []registry.EmploymentChange{hire(2, ids[0], "2025-01-01"), bad}); !errors.As(err, &fe) || fe.Row != 5 || fe.Field != "start" {
			t.Fatalf("want start at row 5, got %v", err)
		}
		if err := s.ApplyEmployments(sys, []registry.EmploymentChange{hire(2, ids[0], "2025-01-01"), hire(3, ids[1], "2025-01-01")}); err != nil {
			t.Fatal(err)
		}
		if rels, _ := s.ListEmployments(sys, registry.EmploymentFilter{EmployerID: e.ID}); len(rels) != 2 {
			t.Fatalf("%d relations, want 2", len(rels))
		}
	})
}

// TestContractOptimisticUpdate: an update that sends back the updated_at
// it read is refused when someone changed the record in between.
func TestContractOptimisticUpdate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		sys := access.WithCaller(context.Background(), access.System)
		s := registry.Service{Store: db.Registry(), Vault: service(t, db).Vault} // the real clock
		e, err := s.CreateEmployer(sys, employer(4040, "嘉兴某某电器有限公司"))
		if err != nil {
			t.Fatal(err)
		}
		read, err := s.Employer(sys, e.ID)
		if err != nil || !read.UpdatedAt.Equal(e.UpdatedAt) {
			t.Fatalf("read back %v, created %v (%v)", read.UpdatedAt, e.UpdatedAt, err)
		}
		seen := read.UpdatedAt.Format(time.RFC3339Nano)
		in := employer(4040, "改名一")
		in.UpdatedAt = seen
		if _, err := s.UpdateEmployer(sys, e.ID, in); err != nil {
			t.Fatal(err)
		}
		in.Name = "改名二" // the same stale updated_at
		_, err = s.UpdateEmployer(sys, e.ID, in)
		wantKind(t, err, fault.Conflict, "updated_at")
		in.UpdatedAt = "yesterday"
		_, err = s.UpdateEmployer(sys, e.ID, in)
		wantKind(t, err, fault.Invalid, "updated_at")
		in.UpdatedAt = "" // no check asked
		if _, err := s.UpdateEmployer(sys, e.ID, in); err != nil {
			t.Fatal(err)
		}
	})
}
