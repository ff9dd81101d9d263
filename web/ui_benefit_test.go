package web_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"hrss/access"
	"hrss/employment"
	"hrss/insurance"
	"hrss/registry"
	"hrss/rules/period"
)

// benefitCase is an unemployment case of the city: the caseworker's
// person, whose employer ended their relation on 2026-01-15, registered as
// unemployed on 2026-01-20; the city's employment services call its
// insurance's BenefitEvent, as cmd/hrss wires them.
type benefitCase struct {
	person registry.Person
	ended  registry.Employment
	reg    employment.UnemploymentRegistration
}

func newBenefitCase(t *testing.T, city browserCity) benefitCase {
	t.Helper()
	city.jobs.BenefitEvent = func(ctx context.Context, tx employment.Tx, person int64) error {
		return city.ins.BenefitEvent(ctx, tx, person)
	}
	bc := benefitCase{person: city.inside}
	es, err := city.reg.ListEmployments(sysCtx, registry.EmploymentFilter{PersonID: bc.person.ID})
	if err != nil || len(es) == 0 {
		t.Fatalf("relations: %v", err)
	}
	e := es[len(es)-1]
	ins := make([]string, len(e.Insurances))
	for i, x := range e.Insurances {
		ins[i] = string(x)
	}
	if bc.ended, err = city.reg.UpdateEmployment(sysCtx, e.ID, registry.EmploymentInput{PersonID: e.PersonID, EmployerID: e.EmployerID, Start: e.Start.String(),
		End: "2026-01-15", Separation: string(registry.SepDismissed), DeclaredWage: e.DeclaredWage.String(), Insurances: ins}); err != nil {
		t.Fatal(err)
	}
	if bc.reg, err = city.jobs.RegisterUnemployed(sysCtx, employment.UnemploymentInput{PersonID: bc.person.ID, Registered: "2026-01-20"}); err != nil {
		t.Fatal(err)
	}
	return bc
}

// approveAndPay approves the pending unemployment claim of the case as a
// reviewer of 330402 and pays it up to 2026-02; it returns the claim.
func (bc benefitCase) approveAndPay(t *testing.T, city browserCity) insurance.Claim {
	t.Helper()
	cls, err := city.ins.Claims(sysCtx, insurance.ClaimFilter{Kind: insurance.ClaimUnemployment, PersonID: bc.person.ID, Status: insurance.ClaimPending})
	if err != nil || len(cls) != 1 {
		t.Fatalf("the pending claim: %+v %v", cls, err)
	}
	rev := access.WithCaller(context.Background(), access.Caller{UserID: 99, Name: "rev402", Role: access.Reviewer, Divisions: []string{"330402"}})
	if _, err := city.ins.Approve(rev, cls[0].ID, true); err != nil {
		t.Fatal(err)
	}
	for m := cls[0].Start; m <= period.New(2026, 2); m = m.Add(1) {
		if _, err := city.ins.Pay(sysCtx, insurance.ClaimUnemployment, m, ""); err != nil {
			t.Fatal(err)
		}
	}
	return cls[0]
}

// TestUIBenefit runs the case through the screens without a browser: the
// claim opened with no date; a refusal refused for want of a note; two
// refusals stop the claim, which reads in English with its ground; a
// reviewer reads but records nothing; a caseworker of another division
// sees neither the registration nor the overpayment; a repayment beyond
// what is outstanding is refused naming why.
func TestUIBenefit(t *testing.T) {
	city := newBrowserCity(t)
	bc := newBenefitCase(t, city)
	for _, in := range []access.UserInput{
		{Name: "rev402", Role: "reviewer", Divisions: []string{"330402"}},
		{Name: "cw411", Role: "caseworker", Divisions: []string{"330411"}},
	} {
		in.Password = city.password
		if _, err := city.acc.CreateUser(sysCtx, in); err != nil {
			t.Fatal(err)
		}
	}
	cw := signedIn(t, city, "cw402")
	cw.do("GET", "/persons/"+itoa(bc.person.ID), nil, nil)
	r := cw.do("POST", "/persons/"+itoa(bc.person.ID)+"/claims/unemployment", url.Values{"csrf_token": {cw.csrf}, "employment_id": {itoa(bc.ended.ID)}, "prior_months": {"60"}}, nil)
	if r.status != 200 || !strings.Contains(r.body, `id="claim-registered">2026年1月20日`) {
		t.Fatalf("the claim: %d %s %s", r.status, r.url, errorOf(r.body))
	}
	claim := r.url
	cl := bc.approveAndPay(t, city)
	regPage := "/unemployment/" + itoa(bc.reg.ID)
	if p := cw.do("GET", regPage, nil, nil); !strings.Contains(p.body, `id="refusal-form"`) || !strings.Contains(p.body, `id="no-refusals"`) {
		t.Fatalf("the registration page offers no refusal form: %d", p.status)
	}
	if bad := cw.do("POST", regPage+"/refusals", url.Values{"csrf_token": {cw.csrf}, "offer": {"work"}, "date": {"2026-02-10"}}, nil); bad.status != 422 || !strings.Contains(errorOf(bad.body), "请说明所提供的内容") {
		t.Errorf("a refusal without a note: %d %q", bad.status, errorOf(bad.body))
	}
	for _, day := range []string{"2026-02-10", "2026-02-20"} {
		if ok := cw.do("POST", regPage+"/refusals", url.Values{"csrf_token": {cw.csrf}, "offer": {"training"}, "date": {day}, "note": {"叉车培训，无正当理由拒绝"}}, nil); ok.status != 200 || !strings.Contains(ok.body, `id="refusal-recorded"`) {
			t.Fatalf("refusal of %s: %d %q", day, ok.status, errorOf(ok.body))
		}
	}
	en := cw.do("GET", claim, nil, map[string]string{"Accept-Language": "en"})
	for _, want := range []string{`id="claim-stop-ground">refused suitable work or training offered without good reason (Social Insurance Law Art. 51(5))`,
		`id="claim-stop-date">20 Feb 2026`, "Medical contributions", `id="claim-registered">20 Jan 2026`} {
		if !strings.Contains(en.body, want) {
			t.Errorf("the English claim page lacks %q", want)
		}
	}
	overs, err := city.ins.Overpayments(sysCtx, bc.person.ID)
	if err != nil || len(overs) != 1 || overs[0].ClaimID != cl.ID {
		t.Fatalf("overpayments: %+v %v", overs, err)
	}
	o := overs[0]
	recover := fmt.Sprintf("/overpayments/%d/recoveries", o.ID)
	if x := cw.do("POST", recover, url.Values{"csrf_token": {cw.csrf}, "amount": {(o.Outstanding() + 1).String()}, "reference": {"SJ-1"}}, nil); x.status != 422 || !strings.Contains(errorOf(x.body), "超过尚欠金额") {
		t.Errorf("beyond the outstanding: %d %q", x.status, errorOf(x.body))
	}
	if x := cw.do("POST", recover, url.Values{"csrf_token": {cw.csrf}, "amount": {o.Outstanding().String()}, "reference": {"SJ-1"}}, nil); x.status != 200 || !strings.Contains(x.body, `id="recovery-recorded"`) || strings.Contains(x.body, `class="search recovery-form"`) {
		t.Errorf("the whole outstanding repaid: %d %q", x.status, errorOf(x.body))
	}
	rev := signedIn(t, city, "rev402")
	if p := rev.do("GET", regPage, nil, nil); p.status != 200 || strings.Contains(p.body, `id="refusal-form"`) {
		t.Errorf("a reviewer on the registration: %d, form offered %v", p.status, strings.Contains(p.body, `id="refusal-form"`))
	}
	if p := rev.do("GET", "/overpayments", nil, nil); p.status != 200 || !strings.Contains(p.body, fmt.Sprintf(`id="overpayment-%d"`, o.ID)) {
		t.Errorf("a reviewer's overpayments: %d", p.status)
	}
	if x := rev.do("POST", recover, url.Values{"csrf_token": {rev.csrf}, "amount": {"0.01"}, "reference": {"SJ-2"}}, nil); x.status != 403 {
		t.Errorf("a reviewer records a repayment: %d", x.status)
	}
	other := signedIn(t, city, "cw411")
	if p := other.do("GET", regPage, nil, nil); p.status != 404 {
		t.Errorf("another division's registration: %d", p.status)
	}
	if p := other.do("GET", "/overpayments", nil, nil); !strings.Contains(p.body, `id="no-overpayments"`) {
		t.Errorf("another division's caseworker sees overpayments")
	}
	if x := other.do("POST", recover, url.Values{"csrf_token": {other.csrf}, "amount": {"0.01"}, "reference": {"SJ-3"}}, nil); x.status != 404 {
		t.Errorf("another division's caseworker records a repayment: %d", x.status)
	}
	if rep, err := city.ins.Check(sysCtx); err != nil || !rep.OK {
		t.Errorf("check: %+v %v", rep, err)
	}
}
