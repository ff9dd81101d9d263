package demo

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"testing"

	"hrss/registry"
	"hrss/registry/ident"
	"hrss/rules/money"
	"hrss/rules/period"
)

// asOf is the fixed "today" of the test city.
var asOf = period.Date{Y: 2025, M: 6, D: 30}

func testVault(t testing.TB) *ident.Vault {
	t.Helper()
	v, err := ident.NewVault(bytes.Repeat([]byte{7}, ident.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// memSink keeps every row in memory.
type memSink struct {
	persons     []registry.SealedPerson
	employers   []registry.Employer
	employments []registry.Employment
	flexible    []registry.FlexibleWorker
	calls       []string
	finished    bool
}

func (m *memSink) Persons(_ context.Context, ps []registry.SealedPerson) error {
	m.persons = append(m.persons, ps...)
	m.calls = append(m.calls, fmt.Sprintf("persons %d", len(ps)))
	return nil
}

func (m *memSink) Employers(_ context.Context, es []registry.Employer) error {
	m.employers = append(m.employers, es...)
	m.calls = append(m.calls, fmt.Sprintf("employers %d", len(es)))
	return nil
}

func (m *memSink) Employments(_ context.Context, es []registry.Employment) error {
	m.employments = append(m.employments, es...)
	return nil
}

func (m *memSink) Flexible(_ context.Context, fs []registry.FlexibleWorker) error {
	m.flexible = append(m.flexible, fs...)
	return nil
}

func (m *memSink) Finish(context.Context) error { m.finished = true; return nil }

// city generates a city into memory, checking the progress calls.
func city(t testing.TB, persons int, seed uint64) (*memSink, Summary) {
	t.Helper()
	m := &memSink{}
	var last, calls int
	sum, err := Generate(context.Background(), Config{Persons: persons, Seed: seed, AsOf: asOf}, testVault(t), m, func(done, total int) {
		if total != persons || done <= last || done > total {
			t.Fatalf("progress(%d, %d) after %d", done, total, last)
		}
		last = done
		calls++
	})
	if err != nil {
		t.Fatal(err)
	}
	if last != persons || calls != (persons+BatchSize-1)/BatchSize || !m.finished {
		t.Fatalf("progress ended at %d after %d calls, finished %v", last, calls, m.finished)
	}
	return m, sum
}

// unsealed returns the persons with IDSealed replaced by what it opens to,
// since sealing uses a random nonce.
func unsealed(t testing.TB, v *ident.Vault, ps []registry.SealedPerson) []registry.SealedPerson {
	out := slices.Clone(ps)
	for i := range out {
		id, err := v.Open(out[i].IDSealed)
		if err != nil {
			t.Fatalf("person %d: %v", out[i].ID, err)
		}
		out[i].IDSealed = []byte(id)
	}
	return out
}

func TestDeterministic(t *testing.T) {
	v := testVault(t)
	a, sa := city(t, 7000, 42)
	b, sb := city(t, 7000, 42)
	if !reflect.DeepEqual(unsealed(t, v, a.persons), unsealed(t, v, b.persons)) {
		t.Error("persons differ between two runs with one seed")
	}
	if !reflect.DeepEqual(a.employers, b.employers) || !reflect.DeepEqual(a.employments, b.employments) ||
		!reflect.DeepEqual(a.flexible, b.flexible) || !reflect.DeepEqual(sa, sb) || !slices.Equal(a.calls, b.calls) {
		t.Error("rows or summary differ between two runs with one seed")
	}

	c, _ := city(t, 7000, 43)
	if reflect.DeepEqual(a.persons[0].Name, c.persons[0].Name) && reflect.DeepEqual(a.employments[:10], c.employments[:10]) {
		t.Error("seeds 42 and 43 give the same city")
	}
	same := 0
	for i := range a.persons {
		if a.persons[i].ResidentID == c.persons[i].ResidentID {
			same++
		}
	}
	if same > 10 {
		t.Errorf("%d of %d resident IDs equal across seeds", same, len(a.persons))
	}

	// A person does not depend on how many come after: the first 3000 of a
	// city of 3000 are the first 3000 of a city of 7000, except for the
	// employers they work for (there are fewer employers).
	d, _ := city(t, 3000, 42)
	for i := range d.persons {
		x, y := d.persons[i], a.persons[i]
		if x.ResidentID != y.ResidentID || x.Name != y.Name || x.Education != y.Education {
			t.Fatalf("person %d differs with the city's size", i+1)
		}
	}
}

func TestIdentifiers(t *testing.T) {
	v := testVault(t)
	m, _ := city(t, 20000, 1)
	hashes := map[string]bool{}
	counties := map[string]bool{}
	for _, c := range registry.CountyCodes() {
		counties[c] = true
	}
	for _, p := range m.persons {
		id, err := ident.ParseResidentIDOn(string(p.ResidentID), asOf)
		if err != nil || id != p.ResidentID {
			t.Fatalf("person %d: resident ID %q: %v", p.ID, p.ResidentID, err)
		}
		if id.Birth() != p.Birth || id.Sex() != p.Sex || id.Division() != p.HukouDivision {
			t.Fatalf("person %d: %s does not match birth %s, sex %s, hukou %s", p.ID, id, p.Birth, p.Sex, p.HukouDivision)
		}
		if opened, err := v.Open(p.IDSealed); err != nil || opened != id {
			t.Fatalf("person %d: sealed ID opens to %q, %v", p.ID, opened, err)
		}
		if !bytes.Equal(p.IDHash, v.Hash(id)) {
			t.Fatalf("person %d: wrong ID hash", p.ID)
		}
		if hashes[string(p.IDHash)] {
			t.Fatalf("person %d: resident ID %s given twice", p.ID, id)
		}
		hashes[string(p.IDHash)] = true
		if !counties[p.ResidenceDivision] {
			t.Fatalf("person %d: residence %q is not a Jiaxing county", p.ID, p.ResidenceDivision)
		}
		if p.Name == "" || len([]rune(p.Name)) > 3 || p.Education.Rank() < 0 {
			t.Fatalf("person %d: name %q, education %q", p.ID, p.Name, p.Education)
		}
		if p.Phone != "" && (len(p.Phone) != 11 || p.Phone[:3] != "170") {
			t.Fatalf("person %d: phone %q", p.ID, p.Phone)
		}
		if a := ageOn(p.Birth, asOf); a < minAge || a > maxAge {
			t.Fatalf("person %d: aged %d", p.ID, a)
		}
		if g := p.Graduation; g != nil {
			if g.School == "" || g.Major == "" || g.Degree.Rank() < registry.EduVocational.Rank() || g.Degree != p.Education ||
				!p.Birth.Before(g.Date) || asOf.Before(g.Date) || (g.Date.M != 6 && g.Date.M != 7) {
				t.Fatalf("person %d: graduation %+v", p.ID, *g)
			}
		}
	}
	codes := map[ident.CreditCode]bool{}
	for _, e := range m.employers {
		c, err := ident.ParseCreditCode(string(e.CreditCode))
		if err != nil || c != e.CreditCode {
			t.Fatalf("employer %d: credit code %q: %v", e.ID, e.CreditCode, err)
		}
		if codes[c] {
			t.Fatalf("employer %d: credit code %s given twice", e.ID, c)
		}
		codes[c] = true
		if c.Division() != e.Division || !counties[e.Division] {
			t.Fatalf("employer %d: division %s, code %s", e.ID, e.Division, c)
		}
		if !slices.Contains(registry.IndustryDivisions(e.IndustrySection), e.IndustryDivision) {
			t.Fatalf("employer %d: industry %s/%s", e.ID, e.IndustrySection, e.IndustryDivision)
		}
		if e.RiskClass < 1 || e.RiskClass > 8 || e.RiskFloat.LessThan(money.MustDec("0.5")) || e.RiskFloat.GreaterThan(money.MustDec("1.5")) || e.Name == "" {
			t.Fatalf("employer %d: risk %d × %s, name %q", e.ID, e.RiskClass, e.RiskFloat, e.Name)
		}
	}
}

func TestRelations(t *testing.T) {
	m, sum := city(t, 20000, 2)
	first := period.Date{Y: 1995, M: 1, D: 1}
	byPerson := map[int64][]registry.Employment{}
	for i, e := range m.employments {
		if e.ID != int64(i+1) {
			t.Fatalf("relation %d has ID %d", i+1, e.ID)
		}
		if e.PersonID < 1 || e.PersonID > int64(len(m.persons)) || e.EmployerID < 1 || e.EmployerID > int64(len(m.employers)) {
			t.Fatalf("relation %d: person %d, employer %d", e.ID, e.PersonID, e.EmployerID)
		}
		if e.Start.Before(first) || asOf.Before(e.Start) || !period.Valid(e.Start.Y, e.Start.M, e.Start.D) {
			t.Fatalf("relation %d starts %s", e.ID, e.Start)
		}
		if !e.End.IsZero() && (!e.Start.Before(e.End) || asOf.Before(e.End) || !period.Valid(e.End.Y, e.End.M, e.End.D)) {
			t.Fatalf("relation %d: %s to %s", e.ID, e.Start, e.End)
		}
		if e.End.IsZero() != (e.Separation == "") {
			t.Fatalf("relation %d: end %s, separation %q", e.ID, e.End, e.Separation)
		}
		if e.DeclaredWage <= 0 || e.DeclaredWage%100 != 0 || len(e.Insurances) < 3 {
			t.Fatalf("relation %d: wage %s, insurances %v", e.ID, e.DeclaredWage, e.Insurances)
		}
		byPerson[e.PersonID] = append(byPerson[e.PersonID], e)
	}
	for pid, rs := range byPerson {
		open := 0
		for i, a := range rs {
			if a.End.IsZero() {
				open++
			}
			if i > 0 && !rs[i-1].End.Before(a.Start) {
				t.Fatalf("person %d: relation %d starts %s before the previous ended %s", pid, a.ID, a.Start, rs[i-1].End)
			}
			for _, b := range rs[i+1:] {
				if a.EmployerID == b.EmployerID && overlap(a, b) {
					t.Fatalf("person %d: relations %d and %d with employer %d overlap", pid, a.ID, b.ID, a.EmployerID)
				}
			}
		}
		if open > 1 || open == 1 && !rs[len(rs)-1].End.IsZero() {
			t.Fatalf("person %d: %d open relations, not the last", pid, open)
		}
	}
	for i, f := range m.flexible {
		if f.ID != int64(i+1) || f.BasePct < 60 || f.BasePct > 300 || (!f.End.IsZero() && !f.Start.Before(f.End)) || asOf.Before(f.Start) {
			t.Fatalf("flexible enrolment %+v", f)
		}
		for _, e := range byPerson[f.PersonID] {
			if e.End.IsZero() && f.End.IsZero() {
				t.Fatalf("person %d is both employed and an active flexible worker", f.PersonID)
			}
		}
	}
	if sum.Employments != len(m.employments) || sum.Flexible != len(m.flexible) || sum.Persons != len(m.persons) || sum.Employers != len(m.employers) {
		t.Errorf("summary counts %+v, rows %d %d %d %d", sum, len(m.persons), len(m.employers), len(m.employments), len(m.flexible))
	}
}

func overlap(a, b registry.Employment) bool {
	return (a.End.IsZero() || !a.End.Before(b.Start)) && (b.End.IsZero() || !b.End.Before(a.Start))
}

// TestShape checks that the city looks like a Jiaxing-sized labour market.
func TestShape(t *testing.T) {
	m, s := city(t, 40000, 3)
	n := float64(s.Persons)
	share := func(x int) float64 { return float64(x) / n }
	t.Logf("summary: %+v", s)
	within := func(what string, got, lo, hi float64) {
		t.Helper()
		if got < lo || got > hi {
			t.Errorf("%s: %.3f, want %.3f to %.3f", what, got, lo, hi)
		}
	}
	ages := map[string]float64{}
	for _, a := range s.Ages {
		ages[a.Label] = share(a.N)
	}
	within("aged 16-24", ages["16-24"], 0.07, 0.15)
	within("aged 25-34", ages["25-34"], 0.15, 0.26)
	within("aged 35-44", ages["35-44"], 0.14, 0.24)
	within("aged 45-54", ages["45-54"], 0.14, 0.24)
	within("aged 55-64", ages["55-64"], 0.12, 0.22)
	within("aged 75+", ages["75+"], 0.02, 0.08)
	within("sex ratio", float64(s.Male)/float64(s.Female), 0.99, 1.09)
	within("migrants", share(s.Migrants), 0.19, 0.25)
	within("employed share of working age", float64(s.Employed)/float64(s.WorkingAge), 0.60, 0.82)
	within("flexible share of working age", float64(s.FlexibleActive)/float64(s.WorkingAge), 0.04, 0.09)
	within("unemployed share of working age", float64(s.Unemployed)/float64(s.WorkingAge), 0.01, 0.04)
	within("retirees", share(s.Retirees), 0.08, 0.25)
	within("recent graduates", share(s.Graduates), 0.008, 0.04)
	within("unemployed graduates among them", float64(s.UnemployedGraduates)/float64(s.Graduates), 0.1, 0.45)
	within("persons per employer", n/float64(s.Employers), 15, 25)
	within("relations per person", float64(s.Employments)/n, 1.5, 5)
	var div float64
	for _, d := range s.Divisions {
		if d.Code == "330481" {
			div = share(d.Persons)
		}
	}
	within("Haining's share", div, 0.16, 0.26)

	// Wages: the median of current declared wages lies in 2025's range;
	// wages of the 1990s are far lower.
	var now, nineties []float64
	sections := map[string]int{}
	for _, e := range m.employers {
		sections[e.IndustrySection]++
	}
	within("manufacturing employers", float64(sections["C"])/float64(len(m.employers)), 0.2, 0.4)
	for _, e := range m.employments {
		switch {
		case e.End.IsZero():
			now = append(now, float64(e.DeclaredWage)/100)
		case e.End.Y < 2000:
			nineties = append(nineties, float64(e.DeclaredWage)/100)
		}
	}
	within("median current wage", median(now), 6000, 9000)
	within("median wage of relations ended in the 1990s", median(nineties), 600, 1600)
	jobs := 0
	for _, e := range m.employments {
		if e.End.IsZero() && m.employers[e.EmployerID-1].IndustrySection == "C" {
			jobs++
		}
	}
	within("manufacturing share of current jobs", float64(jobs)/float64(len(now)), 0.35, 0.6)
	seps := map[registry.Separation]int{}
	for _, e := range m.employments {
		seps[e.Separation]++
	}
	for _, r := range []registry.Separation{registry.SepResignation, registry.SepContractEnd, registry.SepDismissed, registry.SepMutual, registry.SepEmployerGone, registry.SepEmployerFault, registry.SepRetired} {
		if seps[r] == 0 {
			t.Errorf("no relation ended by %s", r)
		}
	}
}

func median(x []float64) float64 {
	if len(x) == 0 {
		return 0
	}
	sort.Float64s(x)
	return x[len(x)/2]
}

func TestSmallCity(t *testing.T) {
	for _, n := range []int{1, 2, 19, 50} {
		m, s := city(t, n, 9)
		if len(m.persons) != n || s.Persons != n || len(m.employers) < 1 {
			t.Fatalf("%d persons: got %d persons, %d employers", n, len(m.persons), len(m.employers))
		}
	}
}

func TestBadConfig(t *testing.T) {
	v := testVault(t)
	for _, cfg := range []Config{{Persons: 0, AsOf: asOf}, {Persons: 10}, {Persons: 10, AsOf: period.Date{Y: 2025, M: 2, D: 30}}} {
		if _, err := Generate(context.Background(), cfg, v, &memSink{}, nil); err == nil {
			t.Errorf("%+v: no error", cfg)
		}
	}
	if _, err := Generate(context.Background(), Config{Persons: 10, AsOf: asOf}, nil, &memSink{}, nil); err == nil {
		t.Error("nil vault: no error")
	}
}

// failSink fails on the n-th call of Persons.
type failSink struct {
	memSink
	n int
}

func (f *failSink) Persons(ctx context.Context, ps []registry.SealedPerson) error {
	if f.n--; f.n == 0 {
		return fmt.Errorf("disk full")
	}
	return f.memSink.Persons(ctx, ps)
}

func TestSinkError(t *testing.T) {
	f := &failSink{n: 2}
	_, err := Generate(context.Background(), Config{Persons: 4 * BatchSize, Seed: 1, AsOf: asOf}, testVault(t), f, nil)
	if err == nil || f.finished || len(f.persons) != BatchSize {
		t.Fatalf("error %v, finished %v, %d persons written", err, f.finished, len(f.persons))
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Generate(ctx, Config{Persons: 2 * BatchSize, Seed: 1, AsOf: asOf}, testVault(t), &memSink{}, nil); err == nil {
		t.Fatal("cancelled context: no error")
	}
}

func TestRetirementDate(t *testing.T) {
	// The examples of RULES.md §1.
	for _, c := range []struct {
		birth          period.Date
		male, female55 bool
		want           period.YearMonth
	}{
		{period.Date{Y: 1964, M: 12, D: 5}, true, false, period.New(2024, 12)},
		{period.Date{Y: 1965, M: 1, D: 5}, true, false, period.New(2025, 2)},
		{period.Date{Y: 1976, M: 9, D: 5}, true, false, period.New(2039, 9)},
		{period.Date{Y: 1970, M: 1, D: 5}, false, true, period.New(2025, 2)},
		{period.Date{Y: 1975, M: 3, D: 5}, false, false, period.New(2025, 5)},
		{period.Date{Y: 1984, M: 11, D: 5}, false, false, period.New(2039, 11)},
	} {
		if got := retirementDate(c.birth, c.male, c.female55).Month(); got != c.want {
			t.Errorf("%s male %v female-55 %v: %s, want %s", c.birth, c.male, c.female55, got, c.want)
		}
	}
}
